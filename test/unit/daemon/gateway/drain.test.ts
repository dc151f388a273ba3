import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { JsonRpcRequest } from '../../../../src/protocol/jsonrpc.js';
import type { EchoSession } from './helpers/echoBackend.js';
import {
  holdGatedCall,
  initializeBody,
  POST_HEADERS,
  RawSse,
  rawRequest,
  rawSession,
  rpc,
  sessionPostHeaders,
  startTestHarness,
} from './helpers/harness.js';

/** Settles with the drain's outcome, or 'pending' if it has not settled after a macrotask. */
async function state(drain: Promise<boolean>): Promise<boolean | 'pending'> {
  return Promise.race([drain, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

describe('gateway drain', () => {
  it('resolves at once with nothing in flight', async () => {
    const h = await startTestHarness();
    await rawSession(h.gateway.port);
    expect(await h.gateway.drain(10_000)).toBe(true);
  });

  it('refuses new sessions and requests with 503 while a Streamable HTTP call finishes, then resolves', async () => {
    const h = await startTestHarness();
    const id = await rawSession(h.gateway.port);
    const { session, response: call } = await holdGatedCall(h, id, 7);
    const drain = h.gateway.drain(10_000);

    const fresh = await rawRequest(h.gateway.port, { headers: POST_HEADERS, body: initializeBody() });
    expect(fresh.status).toBe(503);
    expect(fresh.headers['retry-after']).toBe('5');
    expect(fresh.json()).toMatchObject({
      id: null,
      error: { code: -32000, message: expect.stringMatching(/stopping/) },
    });
    expect((await rawRequest(h.gateway.port, { headers: sessionPostHeaders(id), body: rpc(8, 'ping') })).status).toBe(
      503,
    );
    expect((await rawRequest(h.gateway.port, { method: 'GET', path: '/servers/echo/sse' })).status).toBe(503);
    // Notifications still go through: a call in flight may depend on them (cancel, roots changed).
    const note = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    expect((await rawRequest(h.gateway.port, { headers: sessionPostHeaders(id), body: note })).status).toBe(202);
    expect(await state(drain)).toBe('pending');

    session.release(7, 'finished');
    const answer = await call;
    expect(answer.json()).toMatchObject({ id: 7, result: { content: [{ text: 'finished' }] } });
    expect(await drain).toBe(true);
  });

  it('waits for a legacy SSE call too, and refuses its new requests', async () => {
    const h = await startTestHarness();
    const stream = await RawSse.open(h.gateway.port, {
      path: '/servers/echo/sse',
      headers: { accept: 'text/event-stream' },
    });
    const endpoint = (await stream.next())?.data ?? '';
    const post = (body: string) =>
      rawRequest(h?.gateway.port ?? 0, { path: endpoint, headers: { 'content-type': 'application/json' }, body });
    expect((await post(initializeBody(1))).status).toBe(202);
    expect((await stream.next())?.data).toContain('"id":1');
    const gated = once(h.backend, 'gated') as Promise<[EchoSession, JsonRpcRequest]>;
    expect((await post(rpc(2, 'tools/call', { name: 'gated' }))).status).toBe(202);
    const [session] = await gated;
    const drain = h.gateway.drain(10_000);
    expect((await post(rpc(3, 'ping'))).status).toBe(503);
    expect(await state(drain)).toBe('pending');
    session.release(2, 'finished');
    expect((await stream.next())?.data).toContain('"id":2');
    expect(await drain).toBe(true);
  });

  it('gives up at the timeout; closing then fails the call still in flight', async () => {
    const h = await startTestHarness();
    const id = await rawSession(h.gateway.port);
    const { response: call } = await holdGatedCall(h, id, 7);
    expect(await h.gateway.drain(50)).toBe(false);
    await h.close();
    expect((await call).json()).toMatchObject({ id: 7, error: { message: 'Connection closed: gateway closed' } });
  });
});
