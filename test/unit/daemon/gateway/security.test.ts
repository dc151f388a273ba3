import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  initializeBody,
  POST_HEADERS,
  RawSse,
  rawRequest,
  rawSession,
  rpc,
  startHarness,
} from './helpers/harness.js';

let h: Harness;
let sseSession: string;
let sseStream: RawSse;
beforeAll(async () => {
  h = await startHarness();
  sseStream = await RawSse.open(h.gateway.port, {
    path: '/servers/echo/sse',
    headers: { accept: 'text/event-stream' },
  });
  const endpoint = await sseStream.next();
  sseSession = new URL(endpoint?.data ?? '', h.gateway.url).searchParams.get('sessionId') ?? '';
});
afterAll(async () => {
  sseStream.close();
  await h.close();
});

/** The three listeners' routes, each with a request that would succeed with good headers. */
function routes(): Array<{
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}> {
  return [
    { name: 'POST /mcp', method: 'POST', path: '/servers/echo/mcp', headers: POST_HEADERS, body: initializeBody() },
    { name: 'GET /sse', method: 'GET', path: '/servers/echo/sse', headers: { accept: 'text/event-stream' } },
    {
      name: 'POST /messages',
      method: 'POST',
      path: `/servers/echo/messages?sessionId=${sseSession}`,
      headers: { 'content-type': 'application/json' },
      body: rpc(1, 'ping'),
    },
  ];
}

describe('Host and Origin checks (DNS rebinding)', () => {
  const foreignHosts = (port: number) => [
    `evil.example:${port}`,
    'evil.example',
    `127.0.0.1:${port + 1}`,
    '127.0.0.1',
    `localhost.evil.example:${port}`,
  ];
  const foreignOrigins = [
    'http://evil.example',
    'null',
    'http://localhost.evil.example',
    'file://',
    'http://127.0.0.1.nip.io:80',
    'ftp://localhost',
  ];

  it('B7: refuses a foreign Host with 403, a JSON-RPC error without id and Vary: Origin, on every route', async () => {
    for (const route of routes()) {
      for (const host of foreignHosts(h.gateway.port)) {
        const res = await rawRequest(h.gateway.port, { ...route, headers: { ...route.headers, host } });
        expect(res.status, `${route.name} Host: ${host}`).toBe(403);
        expect(res.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
        expect(res.headers.vary).toBe('Origin');
      }
    }
    expect(h.gateway.sessions().filter((s) => s.transport === 'streamable-http')).toEqual([]);
  });

  it('B7: refuses a foreign or null Origin with 403 on every route, never allowing origin *', async () => {
    for (const route of routes()) {
      for (const origin of foreignOrigins) {
        const res = await rawRequest(h.gateway.port, { ...route, headers: { ...route.headers, origin } });
        expect(res.status, `${route.name} Origin: ${origin}`).toBe(403);
        expect(res.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(res.headers.vary).toBe('Origin');
      }
    }
  });

  it('B7: accepts the loopback names of the bound port, with no Origin or a loopback one', async () => {
    const port = h.gateway.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const res = await rawRequest(port, { headers: { ...POST_HEADERS, host }, body: initializeBody() });
      expect(res.status, host).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    for (const origin of ['http://localhost:3000', 'https://127.0.0.1', 'http://[::1]:6274']) {
      const res = await rawRequest(port, { headers: { ...POST_HEADERS, origin }, body: initializeBody() });
      expect(res.status, origin).toBe(200);
      // The allowlisted origin is echoed, never '*'.
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers.vary).toBe('Origin');
      expect(res.headers['access-control-expose-headers']).toBe('Mcp-Session-Id');
    }
  });

  it('B7: answers a CORS preflight from a loopback origin only', async () => {
    const preflight = await rawRequest(h.gateway.port, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(preflight.headers['access-control-allow-headers']).toContain('Mcp-Session-Id');
    const foreign = await rawRequest(h.gateway.port, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const bare = await rawRequest(h.gateway.port, { method: 'OPTIONS' });
    expect(bare.status).toBe(405);
  });

  it('B7: keeps serving after the refusals', async () => {
    expect(await rawSession(h.gateway.port)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('listens on the given host only', async () => {
    expect(h.gateway.url).toBe(`http://127.0.0.1:${h.gateway.port}`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal);
    if (external === undefined) return;
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: external.address, port: h.gateway.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
