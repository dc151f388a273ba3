import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EchoSession } from './helpers/echoBackend.js';
import { type Harness, RawSse, rawRequest, rawSession, rpc, startHarness } from './helpers/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function openRaw(): Promise<{ stream: RawSse; sessionId: string; endpoint: string }> {
  const stream = await RawSse.open(h.gateway.port, {
    path: '/servers/echo/sse',
    headers: { accept: 'text/event-stream' },
  });
  const first = await stream.next();
  expect(first?.event).toBe('endpoint');
  const endpoint = first?.data ?? '';
  return { stream, endpoint, sessionId: new URL(endpoint, h.gateway.url).searchParams.get('sessionId') ?? '' };
}

function post(
  endpoint: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  return rawRequest(h.gateway.port, { path: endpoint, headers, body });
}

describe('legacy HTTP+SSE with the SDK client', () => {
  it('initializes, lists tools, calls echo and reports progress', async () => {
    const client = new Client({ name: 'legacy-client', version: '2.0.0' });
    const transport = new SSEClientTransport(h.url('/servers/echo/sse'));
    await client.connect(transport);
    expect(client.getServerVersion()).toMatchObject({ name: 'echo-backend' });
    expect((await client.listTools()).tools).toHaveLength(3);
    expect((await client.callTool({ name: 'echo', arguments: { message: 'old' } })).content).toEqual([
      { type: 'text', text: 'echo: old' },
    ]);
    const seen: number[] = [];
    await client.callTool({ name: 'progress', arguments: { steps: 2 } }, undefined, {
      onprogress: (p) => seen.push(p.progress),
    });
    expect(seen).toEqual([1, 2]);
    const [info] = h.gateway.sessions();
    expect(info).toMatchObject({
      server: 'echo',
      transport: 'sse',
      requests: 4,
      clientInfo: { name: 'legacy-client' },
    });

    const closed = once(h.backend, 'closed');
    await client.close();
    const [backendSession] = (await closed) as [EchoSession];
    expect(backendSession.id).toBe(info?.id);
    expect(await h.waitForEvent((e) => e.type === 'closed')).toMatchObject({
      transport: 'sse',
      reason: 'client disconnected',
    });
    expect(h.gateway.sessions()).toEqual([]);
  });
});

describe('legacy HTTP+SSE endpoints', () => {
  it('announces the message endpoint and carries every message, related or not, on the stream', async () => {
    const { stream, endpoint, sessionId } = await openRaw();
    expect(endpoint).toBe(`/servers/echo/messages?sessionId=${sessionId}`);
    const accepted = await post(endpoint, rpc(1, 'ping'));
    expect(accepted.status).toBe(202);
    expect(await stream.next()).toEqual({ event: 'message', data: '{"jsonrpc":"2.0","id":1,"result":{}}' });
    h.backend.session(sessionId).notify('notifications/tools/list_changed');
    expect(JSON.parse((await stream.next())?.data ?? '')).toMatchObject({ method: 'notifications/tools/list_changed' });
    stream.close();
  });

  it('rejects bad messages with the right status and keeps the session', async () => {
    const { stream, endpoint, sessionId } = await openRaw();
    const cases: Array<[string, Promise<Awaited<ReturnType<typeof post>>>, number, number]> = [
      ['bad JSON', post(endpoint, '{oops'), 400, -32700],
      ['not JSON-RPC', post(endpoint, '{"a":1}'), 400, -32600],
      ['wrong content type', post(endpoint, rpc(1, 'ping'), { 'content-type': 'text/plain' }), 415, -32000],
      ['no sessionId', post('/servers/echo/messages', rpc(1, 'ping')), 400, -32000],
      ['malformed sessionId', post('/servers/echo/messages?sessionId=a%20b', rpc(1, 'ping')), 400, -32000],
      ['unknown sessionId', post('/servers/echo/messages?sessionId=unknown', rpc(1, 'ping')), 404, -32001],
      ['another server', post(`/servers/other/messages?sessionId=${sessionId}`, rpc(1, 'ping')), 404, -32001],
      ['GET on messages', rawRequest(h.gateway.port, { method: 'GET', path: endpoint }), 405, -32000],
      [
        'POST on sse',
        rawRequest(h.gateway.port, { method: 'POST', path: '/servers/echo/sse', body: '{}' }),
        405,
        -32000,
      ],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(status);
      expect(res.json(), name).toMatchObject({ id: null, error: { code } });
    }
    const streamable = await rawSession(h.gateway.port);
    expect((await post(`/servers/echo/messages?sessionId=${streamable}`, rpc(1, 'ping'))).status).toBe(404);

    // A batch: the bad member's error and the good member's answer both arrive on the stream.
    expect((await post(endpoint, `[${rpc(2, 'ping')}, {"bad":1}]`)).status).toBe(202);
    const events = [await stream.next(), await stream.next()].map((event) => JSON.parse(event?.data ?? ''));
    expect(events).toEqual([
      { jsonrpc: '2.0', id: null, error: expect.objectContaining({ code: -32600 }) },
      { jsonrpc: '2.0', id: 2, result: {} },
    ]);
    expect((await post(endpoint, rpc(3, 'ping'))).status).toBe(202);
    expect(JSON.parse((await stream.next())?.data ?? '')).toEqual({ jsonrpc: '2.0', id: 3, result: {} });
    stream.close();
  });

  it('ends the session when the stream closes, and its endpoint then answers 404', async () => {
    const { stream, endpoint, sessionId } = await openRaw();
    stream.close();
    await h.waitForEvent((e) => e.type === 'closed' && e.sessionId === sessionId);
    expect(h.backend.session(sessionId).closed).toBe(true);
    const res = await post(endpoint, rpc(1, 'ping'));
    expect(res.status).toBe(404);
  });

  it('ends the stream when the backend closes the session', async () => {
    const { stream, sessionId } = await openRaw();
    h.backend.session(sessionId).output.close('upstream gone');
    await stream.ended();
    expect(await h.waitForEvent((e) => e.type === 'closed')).toMatchObject({ sessionId, reason: 'upstream gone' });
    expect(h.backend.session(sessionId).closed).toBe(false);
  });
});
