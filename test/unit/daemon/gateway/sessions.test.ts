import { once } from 'node:events';
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { JsonRpcRequest } from '../../../../src/protocol/jsonrpc.js';
import type { EchoSession } from './helpers/echoBackend.js';
import {
  holdGatedCall,
  POST_HEADERS,
  RawSse,
  rawRequest,
  rawSession,
  rpc,
  sessionPostHeaders,
  startHarness,
  startTestHarness,
} from './helpers/harness.js';

describe('gateway sessions', () => {
  it('keeps concurrent sessions apart while another client misbehaves', async () => {
    const h = await startTestHarness();
    const harness = h;
    const clients = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const client = new Client({ name: 'c', version: '1' });
        await client.connect(new StreamableHTTPClientTransport(harness.url()));
        return client;
      }),
    );
    const victim = await rawSession(harness.gateway.port);
    const calls = clients.flatMap((client, c) =>
      Array.from({ length: 20 }, async (_, i) => {
        const result = await client.callTool({ name: 'echo', arguments: { message: `${c}:${i}` } });
        return (result.content as Array<{ text: string }>)[0]?.text === `echo: ${c}:${i}`;
      }),
    );
    // Meanwhile: garbage, an oversized declared body, and a client that hangs up mid-call.
    const abuse = [
      rawRequest(harness.gateway.port, { headers: sessionPostHeaders(victim), body: '{{{' }),
      rawRequest(harness.gateway.port, {
        headers: { ...sessionPostHeaders(victim), 'content-length': '999999999' },
      }).catch(() => undefined),
      new Promise<void>((resolve) => {
        const gated = once(harness.backend, 'gated');
        const req = request({
          host: '127.0.0.1',
          port: harness.gateway.port,
          method: 'POST',
          path: '/servers/echo/mcp',
          headers: { host: `127.0.0.1:${harness.gateway.port}`, ...sessionPostHeaders(victim) },
          agent: false,
        });
        req.on('error', () => {});
        req.end(rpc(1, 'tools/call', { name: 'gated', arguments: {} }));
        void gated.then(() => {
          req.destroy();
          resolve();
        });
      }),
    ];
    expect(await Promise.all(calls)).toEqual(calls.map(() => true));
    await Promise.all(abuse);
    expect(harness.gateway.sessions()).toHaveLength(6);
    for (const info of harness.gateway.sessions().filter((s) => s.id !== victim)) {
      expect(info).toMatchObject({ requests: 21, errors: 0 });
    }
    await Promise.all(clients.map((client) => client.close()));
  });

  it('expires idle sessions, but not those with an open stream', async () => {
    const h = await startTestHarness({ idleTimeoutMs: 100 });
    const idle = await rawSession(h.gateway.port);
    const listening = await rawSession(h.gateway.port);
    const stream = await RawSse.open(h.gateway.port, {
      headers: { ...sessionPostHeaders(listening), accept: 'text/event-stream' },
    });
    const closed = await h.waitForEvent((e) => e.type === 'closed');
    expect(closed).toMatchObject({ sessionId: idle, reason: 'idle' });
    expect(h.backend.session(idle).closed).toBe(true);
    expect(h.gateway.sessions().map((s) => s.id)).toEqual([listening]);
    const after = await rawRequest(h.gateway.port, { headers: sessionPostHeaders(idle), body: rpc(1, 'ping') });
    expect(after.status).toBe(404);
    // Once its last connection closes, the listening session's idle clock starts too.
    stream.close();
    expect(await h.waitForEvent((e) => e.type === 'closed' && e.sessionId === listening)).toMatchObject({
      reason: 'idle',
    });
  });

  it('F10: caps the number of sessions with 503 and Retry-After on both transports', async () => {
    const h = await startTestHarness({ maxSessions: 2 });
    const first = await rawSession(h.gateway.port);
    await rawSession(h.gateway.port);
    const refused = await rawRequest(h.gateway.port, {
      headers: POST_HEADERS,
      body: rpc(0, 'initialize', {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 'x', version: '1' },
      }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json()).toMatchObject({ id: null, error: { code: -32000 } });
    const sse = await rawRequest(h.gateway.port, { method: 'GET', path: '/servers/echo/sse' });
    expect(sse.status).toBe(503);

    const del = await rawRequest(h.gateway.port, { method: 'DELETE', headers: { 'mcp-session-id': first } });
    expect(del.status).toBe(200);
    expect(await rawSession(h.gateway.port)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('killSession ends a session and answers its pending request', async () => {
    const h = await startTestHarness();
    const id = await rawSession(h.gateway.port);
    const { response: pending } = await holdGatedCall(h, id, 5);
    expect(h.gateway.killSession(id)).toBe(true);
    expect(h.gateway.killSession(id)).toBe(false);
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ id: 5, error: { code: -32000, message: 'Connection closed: killed' } });
    expect(h.backend.session(id).closed).toBe(true);
    expect(await h.waitForEvent((e) => e.type === 'closed')).toMatchObject({ sessionId: id, reason: 'killed' });
    expect((await rawRequest(h.gateway.port, { headers: sessionPostHeaders(id), body: rpc(6, 'ping') })).status).toBe(
      404,
    );
  });

  it('ends streams and forgets the session when the backend closes it', async () => {
    const h = await startTestHarness();
    const id = await rawSession(h.gateway.port);
    const stream = await RawSse.open(h.gateway.port, {
      headers: { ...sessionPostHeaders(id), accept: 'text/event-stream' },
    });
    const gated = once(h.backend, 'gated');
    const post = RawSse.open(h.gateway.port, {
      method: 'POST',
      headers: sessionPostHeaders(id),
      body: rpc(8, 'tools/call', { name: 'gated', _meta: { progressToken: 1 } }),
    });
    const [backend, call] = (await gated) as [EchoSession, JsonRpcRequest];
    backend.progress(call.id, 1);
    const callStream = await post;
    backend.output.close('upstream crashed');
    await stream.ended();
    const events = [];
    for (let event = await callStream.next(); event !== undefined; event = await callStream.next()) events.push(event);
    expect(JSON.parse(events.at(-1)?.data ?? '')).toMatchObject({
      id: 8,
      error: { code: -32000, message: 'Connection closed: upstream crashed' },
    });
    expect(await h.waitForEvent((e) => e.type === 'closed')).toMatchObject({
      sessionId: id,
      reason: 'upstream crashed',
    });
    expect(backend.closed).toBe(false);
    expect((await rawRequest(h.gateway.port, { headers: sessionPostHeaders(id), body: rpc(9, 'ping') })).status).toBe(
      404,
    );
  });

  it('refuses a 5 MiB body under the default 4 MiB cap', async () => {
    const h = await startTestHarness();
    const id = await rawSession(h.gateway.port);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'ping',
      params: { pad: 'x'.repeat(5 * 1024 * 1024) },
    });
    const res = await rawRequest(h.gateway.port, { headers: sessionPostHeaders(id), body });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ id: null, error: { code: -32600 } });
    expect((await rawRequest(h.gateway.port, { headers: sessionPostHeaders(id), body: rpc(2, 'ping') })).status).toBe(
      200,
    );
  });

  it('close() ends every session and stream', async () => {
    const harness = await startHarness();
    const id = await rawSession(harness.gateway.port);
    const stream = await RawSse.open(harness.gateway.port, {
      headers: { ...sessionPostHeaders(id), accept: 'text/event-stream' },
    });
    const legacy = await RawSse.open(harness.gateway.port, { path: '/servers/echo/sse' });
    await legacy.next();
    await harness.close();
    await Promise.all([stream.ended(), legacy.ended()]);
    expect([...harness.backend.sessions.values()].every((s) => s.closed)).toBe(true);
    expect(harness.events.filter((e) => e.type === 'closed').map((e) => e.reason)).toEqual([
      'gateway closed',
      'gateway closed',
    ]);
  });
});
