import { once } from 'node:events';
import { request } from 'node:http';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonRpcRequest } from '../../../../src/protocol/jsonrpc.js';
import type { EchoSession } from './helpers/echoBackend.js';
import { type Harness, POST_HEADERS, RawSse, rawRequest, rawSession, rpc, startHarness } from './helpers/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ keepAliveMs: 25 });
});
afterEach(async () => {
  await h.close();
});

function sessionHeaders(id: string): Record<string, string> {
  return { 'mcp-session-id': id, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
}

function openGet(id: string, lastEventId?: string): Promise<RawSse> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...sessionHeaders(id) };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  return RawSse.open(h.gateway.port, { headers });
}

/** Starts a 'gated' tool call on a raw POST and returns the stream and the backend's view of it. */
async function gatedCall(
  id: string,
  requestId: number | string,
): Promise<{ post: RawSse; backend: EchoSession; request: JsonRpcRequest }> {
  const gated = once(h.backend, 'gated');
  const postPromise = RawSse.open(h.gateway.port, {
    method: 'POST',
    headers: { ...POST_HEADERS, ...sessionHeaders(id) },
    body: rpc(requestId, 'tools/call', { name: 'gated', arguments: {}, _meta: { progressToken: 'tok' } }),
  });
  const [backend, request] = (await gated) as [EchoSession, JsonRpcRequest];
  // The answer is lazy: headers go out with the first message, so the stream starts with progress 1.
  backend.progress(request.id, 1);
  return { post: await postPromise, backend, request };
}

describe('resumability', () => {
  it('replays missed events of the GET stream after Last-Event-ID', async () => {
    const id = await rawSession(h.gateway.port);
    const backend = h.backend.session(id);
    const first = await openGet(id);
    expect(first.status).toBe(200);
    expect(first.res.headers['content-type']).toBe('text/event-stream');
    backend.notify('notifications/message', { level: 'info', data: 1 });
    const one = await first.next();
    expect(one?.id).toBe('0-1');
    expect(JSON.parse(one?.data ?? '')).toMatchObject({ method: 'notifications/message', params: { data: 1 } });
    first.close();
    await first.ended();

    backend.notify('notifications/message', { level: 'info', data: 2 });
    backend.notify('notifications/message', { level: 'info', data: 3 });
    const second = await openGet(id, one?.id);
    expect(second.status).toBe(200);
    const replayed = [await second.next(), await second.next()];
    expect(replayed.map((event) => event?.id)).toEqual(['0-2', '0-3']);
    expect(replayed.map((event) => JSON.parse(event?.data ?? '').params.data)).toEqual([2, 3]);
    // Live events keep flowing on the resumed connection.
    backend.notify('notifications/message', { level: 'info', data: 4 });
    expect((await second.next())?.id).toBe('0-4');
    second.close();
  });

  it('keeps a bounded number of events per stream for replay', async () => {
    const id = await rawSession(h.gateway.port);
    const backend = h.backend.session(id);
    const first = await openGet(id);
    for (let n = 1; n <= 200; n += 1) backend.notify('notifications/message', { level: 'info', data: n });
    first.close();
    const resumed = await openGet(id, '0-0');
    const ids: string[] = [];
    for (let event = await resumed.next(); event !== undefined; event = await resumed.next()) {
      ids.push(event.id ?? '');
      if (event.id === '0-200') break;
    }
    // The oldest 72 fell out of the 128-event ring; the rest come back in order.
    expect(ids).toHaveLength(128);
    expect(ids[0]).toBe('0-73');
    resumed.close();
  });

  it('never replays one session’s events onto another session', async () => {
    const a = await rawSession(h.gateway.port);
    const b = await rawSession(h.gateway.port);
    const streamA = await openGet(a);
    h.backend.session(a).notify('notifications/message', { level: 'info', data: 'secret' });
    const event = await streamA.next();
    const hijack = await rawRequest(h.gateway.port, {
      method: 'GET',
      headers: { accept: 'text/event-stream', ...sessionHeaders(b), 'last-event-id': event?.id ?? '' },
    });
    expect(hijack.status).toBe(400);
    expect(hijack.json()).toMatchObject({ id: null, error: { code: -32000 } });
    expect(hijack.text).not.toContain('secret');
    streamA.close();
  });

  it('F8: resumes a POST stream after a disconnect, without cancelling the call', async () => {
    const id = await rawSession(h.gateway.port);
    const { post, backend, request } = await gatedCall(id, 7);
    expect(post.status).toBe(200);
    expect(post.res.headers['content-type']).toBe('text/event-stream');
    expect(post.res.headers['mcp-session-id']).toBe(id);
    const priming = await post.next();
    expect(priming).toEqual({ id: '1-0', data: '' });
    const progress1 = await post.next();
    expect(progress1?.id).toBe('1-1');
    post.close();
    await post.ended();

    backend.progress(request.id, 2);
    backend.release(request.id, 'finished');
    expect(backend.received.some((m) => 'method' in m && m.method === 'notifications/cancelled')).toBe(false);

    const resumed = await openGet(id, progress1?.id);
    const events = [await resumed.next(), await resumed.next(), await resumed.next()];
    expect(events.map((event) => event?.id)).toEqual(['1-2', '1-3', undefined]);
    expect(JSON.parse(events[0]?.data ?? '')).toMatchObject({
      method: 'notifications/progress',
      params: { progress: 2 },
    });
    expect(JSON.parse(events[1]?.data ?? '')).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { content: [{ type: 'text', text: 'finished' }] },
    });
    await resumed.ended();

    // From the priming id the whole stream comes back, and it ends: the call is complete.
    const again = await openGet(id, '1-0');
    const all = [await again.next(), await again.next(), await again.next(), await again.next()];
    expect(all.map((event) => event?.id)).toEqual(['1-1', '1-2', '1-3', undefined]);
  });

  it('F8: streams live events to a client that resumes before the call ends', async () => {
    const id = await rawSession(h.gateway.port);
    const { post, backend, request } = await gatedCall(id, 'call-1');
    await post.next();
    const progress1 = await post.next();
    post.close();
    const resumed = await openGet(id, progress1?.id);
    backend.release(request.id, 'late');
    const answer = await resumed.next();
    expect(JSON.parse(answer?.data ?? '')).toMatchObject({ id: 'call-1', result: { content: [{ text: 'late' }] } });
    await resumed.ended();
  });

  it('sends no priming event to sessions on protocol versions before 2025-11-25', async () => {
    const id = await rawSession(h.gateway.port, '2025-06-18');
    const gated = once(h.backend, 'gated');
    const postPromise = RawSse.open(h.gateway.port, {
      method: 'POST',
      headers: { ...POST_HEADERS, 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' },
      body: rpc(1, 'tools/call', { name: 'gated', arguments: {} }),
    });
    const [backend, request] = (await gated) as [EchoSession, JsonRpcRequest];
    backend.progress(request.id, 1);
    const post = await postPromise;
    expect((await post.next())?.id).toBe('1-1');
    backend.release(request.id, 'ok');
    expect((await post.next())?.id).toBe('1-2');
    await post.ended();
  });

  it('F8: drops the answer of a JSON request whose client went away, and the session goes on', async () => {
    const id = await rawSession(h.gateway.port);
    const gated = once(h.backend, 'gated');
    const req = request({
      host: '127.0.0.1',
      port: h.gateway.port,
      method: 'POST',
      path: '/servers/echo/mcp',
      headers: { host: `127.0.0.1:${h.gateway.port}`, ...POST_HEADERS, ...sessionHeaders(id) },
      agent: false,
    });
    req.on('error', () => {});
    req.end(rpc(3, 'tools/call', { name: 'gated', arguments: {} }));
    const [backend, request_] = (await gated) as [EchoSession, JsonRpcRequest];
    req.destroy();
    const ping = (n: number) =>
      rawRequest(h.gateway.port, { headers: { ...POST_HEADERS, ...sessionHeaders(id) }, body: rpc(n, 'ping') });
    expect((await ping(4)).json()).toEqual({ jsonrpc: '2.0', id: 4, result: {} });
    backend.release(request_.id, 'nobody listens');
    expect(backend.received.some((m) => 'method' in m && m.method === 'notifications/cancelled')).toBe(false);
    expect((await ping(5)).json()).toEqual({ jsonrpc: '2.0', id: 5, result: {} });
    // The id is free again once its answer came back.
    const reuse = await rawRequest(h.gateway.port, {
      headers: { ...POST_HEADERS, ...sessionHeaders(id) },
      body: rpc(3, 'tools/call', { name: 'echo', arguments: { message: 'again' } }),
    });
    expect(reuse.json()).toMatchObject({ id: 3, result: { content: [{ text: 'echo: again' }] } });
  });

  it("F8: a client's notifications/cancelled ends its POST without an answer, and frees the id", async () => {
    const id = await rawSession(h.gateway.port);
    const headers = { ...POST_HEADERS, ...sessionHeaders(id) };
    const cancel = (requestId: string) =>
      rawRequest(h.gateway.port, {
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId } }),
      });

    // Waiting for a JSON answer: the POST ends as an SSE stream that carries none.
    const gated = once(h.backend, 'gated');
    const json = rawRequest(h.gateway.port, {
      headers,
      body: rpc('c1', 'tools/call', { name: 'gated', arguments: {} }),
    });
    const [backend] = (await gated) as [EchoSession, JsonRpcRequest];
    expect((await cancel('c1')).status).toBe(202);
    const ended = await json;
    expect(ended.status).toBe(200);
    expect(ended.headers['content-type']).toBe('text/event-stream');
    expect(ended.text).not.toContain('"result"');
    expect(backend.received.at(-1)).toMatchObject({ method: 'notifications/cancelled', params: { requestId: 'c1' } });

    // Already streaming (progress came first): the stream ends without the answer.
    const { post, backend: streaming, request } = await gatedCall(id, 'c2');
    await post.next();
    expect((await post.next())?.id).toMatch(/-1$/);
    expect((await cancel('c2')).status).toBe(202);
    await post.ended();
    // A late answer from a backend that ignores the cancellation goes nowhere.
    streaming.release(request.id, 'too late');
    expect(post.text).not.toContain('too late');

    for (const reused of ['c1', 'c2']) {
      const again = await rawRequest(h.gateway.port, {
        headers,
        body: rpc(reused, 'tools/call', { name: 'echo', arguments: { message: reused } }),
      });
      expect(again.json()).toMatchObject({ id: reused, result: { content: [{ text: `echo: ${reused}` }] } });
    }
  });

  it('sends keep-alive comments on open streams', async () => {
    const id = await rawSession(h.gateway.port);
    const stream = await openGet(id);
    await new Promise<void>((resolve) => {
      stream.res.on('data', () => {
        if (stream.text.includes(': keepalive')) resolve();
      });
    });
    stream.close();
  });
});
