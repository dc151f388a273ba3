import { once } from 'node:events';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EchoSession } from './helpers/echoBackend.js';
import {
  type Harness,
  initializeBody,
  POST_HEADERS,
  type RawRequest,
  RawSse,
  rawRequest,
  rawSession,
  rpc,
  sessionPostHeaders,
  startHarness,
} from './helpers/harness.js';

let h: Harness;
let session: string;
beforeAll(async () => {
  h = await startHarness({ maxBodyBytes: 64 * 1024 });
  session = await rawSession(h.gateway.port);
});
afterAll(async () => {
  await h.close();
});
// After every bad request the gateway still answers a well-formed one on the same session.
afterEach(async () => {
  const ping = await rawRequest(h.gateway.port, {
    headers: sessionPostHeaders(session),
    body: rpc('alive', 'ping'),
  });
  expect(ping.status).toBe(200);
  expect(ping.json()).toEqual({ jsonrpc: '2.0', id: 'alive', result: {} });
});

function onSession(headers: Record<string, string> = {}): Record<string, string> {
  return { ...sessionPostHeaders(session), ...headers };
}

interface Case {
  name: string;
  request: () => RawRequest;
  status: number;
  code: number;
}

const cases: Case[] = [
  {
    name: 'B1: malformed JSON',
    request: () => ({ headers: onSession(), body: '{"jsonrpc": "2.0", "id": 1,' }),
    status: 400,
    code: -32700,
  },
  {
    name: 'B1: malformed JSON without a session',
    request: () => ({ headers: POST_HEADERS, body: 'not json' }),
    status: 400,
    code: -32700,
  },
  {
    name: 'B1: JSON that is not JSON-RPC',
    request: () => ({ headers: onSession(), body: '{"hello":"world"}' }),
    status: 400,
    code: -32600,
  },
  {
    name: 'B1: wrong jsonrpc version',
    request: () => ({ headers: onSession(), body: '{"jsonrpc":"1.0","id":1,"method":"ping"}' }),
    status: 400,
    code: -32600,
  },
  {
    name: 'B1: params that are not an object',
    request: () => ({ headers: onSession(), body: '{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}' }),
    status: 400,
    code: -32600,
  },
  {
    name: 'B1: a JSON array body on protocol 2025-11-25',
    request: () => ({ headers: onSession(), body: `[${rpc(1, 'ping')}]` }),
    status: 400,
    code: -32600,
  },
  {
    // Found by test/fuzz: deeper params overflowed JSON.stringify on the way upstream (a 500).
    name: 'B1: params nesting deeper than 256 levels',
    request: () => ({
      headers: onSession(),
      body: `{"jsonrpc":"2.0","method":"notifications/progress","params":{"p":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
    }),
    status: 400,
    code: -32600,
  },
  {
    name: 'B4: unknown session id',
    request: () => ({ headers: onSession({ 'mcp-session-id': 'f'.repeat(36) }), body: rpc(1, 'ping') }),
    status: 404,
    code: -32001,
  },
  {
    name: 'B4: session id with a space (0x20)',
    request: () => ({ headers: onSession({ 'mcp-session-id': 'abc def' }), body: rpc(1, 'ping') }),
    status: 400,
    code: -32000,
  },
  {
    name: 'B4: session id over 128 bytes',
    request: () => ({ headers: onSession({ 'mcp-session-id': 'a'.repeat(129) }), body: rpc(1, 'ping') }),
    status: 400,
    code: -32000,
  },
  {
    name: 'B4: session id with a tab inside',
    request: () => ({ headers: onSession({ 'mcp-session-id': 'abc\tdef' }), body: rpc(1, 'ping') }),
    status: 400,
    code: -32000,
  },
  {
    name: 'B4: session id with a byte above 0x7E',
    request: () => ({ headers: onSession({ 'mcp-session-id': 'abc\u00e9' }), body: rpc(1, 'ping') }),
    status: 400,
    code: -32000,
  },
  {
    name: 'B4: well-formed session id of 128 bytes that names no session',
    request: () => ({ headers: onSession({ 'mcp-session-id': '~'.repeat(128) }), body: rpc(1, 'ping') }),
    status: 404,
    code: -32001,
  },
  {
    name: 'B4: no session id on a non-initialize request',
    request: () => ({ headers: POST_HEADERS, body: rpc(1, 'ping') }),
    status: 400,
    code: -32000,
  },
  {
    name: 'B3: unsupported MCP-Protocol-Version',
    request: () => ({ headers: onSession({ 'mcp-protocol-version': '1999-01-01' }), body: rpc(1, 'ping') }),
    status: 400,
    code: -32000,
  },
  {
    name: 'B3: unsupported MCP-Protocol-Version on initialize',
    request: () => ({ headers: { ...POST_HEADERS, 'mcp-protocol-version': 'x' }, body: initializeBody() }),
    status: 400,
    code: -32000,
  },
  {
    name: 'B2: oversized body (Content-Length)',
    request: () => ({ headers: onSession(), body: Buffer.alloc(65 * 1024, 0x20) }),
    status: 413,
    code: -32600,
  },
  {
    name: 'Accept without text/event-stream',
    request: () => ({ headers: onSession({ accept: 'application/json' }), body: rpc(1, 'ping') }),
    status: 406,
    code: -32000,
  },
  {
    name: 'no Accept',
    request: () => ({
      headers: { 'content-type': 'application/json', 'mcp-session-id': session },
      body: rpc(1, 'ping'),
    }),
    status: 406,
    code: -32000,
  },
  {
    name: 'Content-Type text/plain',
    request: () => ({ headers: onSession({ 'content-type': 'text/plain' }), body: rpc(1, 'ping') }),
    status: 415,
    code: -32000,
  },
  {
    name: 'initialize again in a session',
    request: () => ({ headers: onSession(), body: initializeBody(50) }),
    status: 400,
    code: -32600,
  },
  {
    name: 'PUT',
    request: () => ({ method: 'PUT', headers: onSession(), body: rpc(1, 'ping') }),
    status: 405,
    code: -32000,
  },
  {
    name: 'GET without Accept text/event-stream',
    request: () => ({ method: 'GET', headers: onSession({ accept: 'application/json' }) }),
    status: 406,
    code: -32000,
  },
  {
    name: 'B4: GET without a session id',
    request: () => ({ method: 'GET', headers: { accept: 'text/event-stream' } }),
    status: 400,
    code: -32000,
  },
  {
    name: 'B3: GET with a bad protocol version',
    request: () => ({
      method: 'GET',
      headers: onSession({ accept: 'text/event-stream', 'mcp-protocol-version': 'nope' }),
    }),
    status: 400,
    code: -32000,
  },
  {
    name: 'GET with an unknown Last-Event-ID',
    request: () => ({ method: 'GET', headers: onSession({ accept: 'text/event-stream', 'last-event-id': '99-1' }) }),
    status: 400,
    code: -32000,
  },
  {
    name: 'B4: DELETE without a session id',
    request: () => ({ method: 'DELETE', headers: {} }),
    status: 400,
    code: -32000,
  },
  {
    name: 'B4: DELETE of an unknown session',
    request: () => ({ method: 'DELETE', headers: { 'mcp-session-id': 'nope' } }),
    status: 404,
    code: -32001,
  },
  {
    name: 'B5: unknown server',
    request: () => ({ path: '/servers/nope/mcp', headers: POST_HEADERS, body: initializeBody() }),
    status: 404,
    code: -32000,
  },
  {
    name: 'B4: session of the echo server on another server',
    request: () => ({ path: '/servers/other/mcp', headers: onSession(), body: rpc(1, 'ping') }),
    status: 404,
    code: -32001,
  },
];

describe('bad input on /servers/<name>/mcp', () => {
  // '%s' of a plain string: the title starts with the case id ('$name' would quote and cut it).
  it.each(cases.map((c) => [`${c.name} → ${c.status} ${c.code}`, c] as const))('%s', async (_title, c) => {
    const { request, status, code } = c;
    const res = await rawRequest(h.gateway.port, request());
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code } });
    if (status === 405) expect(res.headers.allow).toBe('GET, POST, DELETE');
  });

  it.each([
    '/servers/../mcp',
    '/servers/%2e%2e/mcp',
    '/servers/..%2f../mcp',
    '/servers/a%00b/mcp',
    '/servers/echo%2fx/mcp',
    '/servers/.echo/mcp',
    '/servers/Echo/mcp',
    '/servers/echo/mcp/extra',
    '/servers/echo',
    `/servers/${'a'.repeat(64)}/mcp`,
    '/',
  ])('B5: path %s → 404', async (path) => {
    const res = await rawRequest(h.gateway.port, { path, headers: POST_HEADERS, body: initializeBody() });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ id: null, error: { code: -32000 } });
  });

  it('B2: refuses an oversized chunked body (no Content-Length) with 413 before reading it all', async () => {
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: h.gateway.port,
          method: 'POST',
          path: '/servers/echo/mcp',
          headers: { host: `127.0.0.1:${h.gateway.port}`, ...onSession() },
          agent: false,
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // No Content-Length: chunked, 16 KiB at a time, well past the 64 KiB cap.
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      for (let i = 0; i < 8; i += 1) req.write(chunk);
      req.end();
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('B1: refuses a JSON array body with 400 on protocol 2025-06-18 too', async () => {
    const id = await rawSession(h.gateway.port, '2025-06-18');
    const res = await rawRequest(h.gateway.port, {
      headers: { ...POST_HEADERS, 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' },
      body: `[${rpc(1, 'ping')}, ${rpc(2, 'ping')}]`,
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    expect(h.backend.session(id).received.some((m) => 'method' in m && m.method === 'ping')).toBe(false);
  });

  it('B4: answers 404 to the id of a session that has ended', async () => {
    const id = await rawSession(h.gateway.port);
    const headers = sessionPostHeaders(id);
    const end = await rawRequest(h.gateway.port, { method: 'DELETE', headers });
    expect(end.status).toBe(200);
    const after = await rawRequest(h.gateway.port, { headers, body: rpc(1, 'ping') });
    expect(after.status).toBe(404);
    expect(after.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32001 } });
  });

  it('answers a batch on protocol 2025-03-26 member by member', async () => {
    const old = await rawSession(h.gateway.port, '2025-03-26');
    const body = `[${rpc(1, 'ping')}, {"oops":true}, {"jsonrpc":"2.0","id":2,"method":7}, ${rpc(3, 'tools/call', { name: 'echo', arguments: { message: 'b' } })}, {"jsonrpc":"2.0","method":"notifications/initialized"}]`;
    const res = await rawRequest(h.gateway.port, {
      headers: { ...POST_HEADERS, 'mcp-session-id': old, 'mcp-protocol-version': '2025-03-26' },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const answers = JSON.parse(res.text) as Array<{ id: unknown; error?: { code: number }; result?: unknown }>;
    expect(answers).toHaveLength(4);
    expect(answers.filter((a) => a.error !== undefined)).toEqual([
      expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32600 }) }),
      expect.objectContaining({ id: 2, error: expect.objectContaining({ code: -32600 }) }),
    ]);
    expect(answers.find((a) => a.id === 1)).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    expect(answers.find((a) => a.id === 3)).toMatchObject({ result: { content: [{ text: 'echo: b' }] } });
    // Only the well-formed members reached the backend.
    const received = h.backend.session(old).received.map((m) => ('method' in m ? m.method : 'response'));
    expect(received.slice(-3)).toEqual(['ping', 'tools/call', 'notifications/initialized']);
  });

  it('answers a batch of bad members and notifications with the errors only', async () => {
    const old = await rawSession(h.gateway.port, '2024-11-05');
    const headers = { ...POST_HEADERS, 'mcp-session-id': old, 'mcp-protocol-version': '2024-11-05' };
    const res = await rawRequest(h.gateway.port, {
      headers,
      body: '[1, {"jsonrpc":"2.0","method":"notifications/x"}]',
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual([
      { jsonrpc: '2.0', id: null, error: expect.objectContaining({ code: -32600 }) },
    ]);
    const empty = await rawRequest(h.gateway.port, { headers, body: '[]' });
    expect(empty.status).toBe(400);
    expect(empty.json()).toMatchObject({ id: null, error: { code: -32600 } });
    const notes = await rawRequest(h.gateway.port, { headers, body: '[{"jsonrpc":"2.0","method":"notifications/x"}]' });
    expect(notes.status).toBe(202);
    expect(notes.text).toBe('');
  });

  it('answers notifications and responses with 202 and no body', async () => {
    const res = await rawRequest(h.gateway.port, {
      headers: onSession(),
      body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
    });
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
  });

  it('refuses a request id already in flight in the session', async () => {
    const gated = once(h.backend, 'gated');
    const first = rawRequest(h.gateway.port, {
      headers: onSession(),
      body: rpc('dup', 'tools/call', { name: 'gated', arguments: {} }),
    });
    const [backend] = (await gated) as [EchoSession];
    const second = await rawRequest(h.gateway.port, { headers: onSession(), body: rpc('dup', 'ping') });
    expect(second.status).toBe(400);
    expect(second.json()).toMatchObject({ id: null, error: { code: -32600 } });
    backend.release('dup', 'first wins');
    expect((await first).json()).toMatchObject({ id: 'dup', result: { content: [{ text: 'first wins' }] } });
  });

  it('allows only one GET stream per session', async () => {
    const stream = await RawSse.open(h.gateway.port, { headers: onSession({ accept: 'text/event-stream' }) });
    expect(stream.status).toBe(200);
    const second = await rawRequest(h.gateway.port, {
      method: 'GET',
      headers: onSession({ accept: 'text/event-stream' }),
    });
    expect(second.status).toBe(409);
    expect(second.json()).toMatchObject({ id: null, error: { code: -32000 } });
    stream.close();
  });
});
