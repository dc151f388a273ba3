import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureLimiter } from '../../../../src/daemon/remote/failureLimiter.js';
import { DashboardAuth } from '../../../../src/daemon/ui/dashboardAuth.js';
import { CSRF_HEADER, DashboardServer } from '../../../../src/daemon/ui/dashboardServer.js';
import { McpctlError } from '../../../../src/shared/errors.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import type { CallContext, Principal } from '../../../../src/shared/principal.js';

/**
 * The bridge over real HTTP: each method and stream gets the dashboard session's principal
 * as its CallContext (what the role matrix judges), and handler errors keep their code.
 */
const viewer: Principal = { kind: 'token', name: 'ci-viewer', role: 'viewer' };
const calls: Array<{ method: string; body: unknown; call: CallContext }> = [];
const auth = new DashboardAuth();
const refused: string[] = [];
const dashboard = new DashboardServer({
  auth,
  logger: silentLogger,
  // Two tokens: a viewer's and a client's; the limiter allows 3 failures a minute.
  tokenLogin: {
    check: (token) =>
      token === 'mcpctl_viewer'
        ? { ok: true, principal: viewer }
        : token === 'mcpctl_client'
          ? { ok: true, principal: { kind: 'token', name: 'ci-client', role: 'client' } }
          : { ok: false, reason: 'unknown' },
    limiter: new FailureLimiter({ limit: 3, windowMs: 60_000, now: Date.now }),
    onRefused: (_address, reason) => refused.push(reason),
  },
  assets: new Map([['index.html', { body: Buffer.from('<!doctype html>'), type: 'text/html' }]]),
});
dashboard.attach({
  methods: {
    async listServers(body, call) {
      calls.push({ method: 'listServers', body, call });
      return [];
    },
    async stopServers(_body, call) {
      if (call.principal.role === 'viewer') throw new McpctlError('PERMISSION_DENIED', 'viewers may not stop servers');
      return [];
    },
  },
  streams: {
    async *followEvents(body, call) {
      calls.push({ method: 'followEvents', body, call });
      yield { id: 1 };
      yield { id: 2 };
      throw new McpctlError('NOT_FOUND', 'gone');
    },
  },
});
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => void dashboard.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function logIn(principal: Principal): Promise<{ cookie: string; csrf: string }> {
  const { code } = auth.createCode(principal);
  const res = await fetch(`${base}/ui/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  const body = (await res.json()) as { csrf: string; principal: { role: string } };
  expect(body.principal.role).toBe(principal.role);
  return { cookie, csrf: body.csrf };
}

describe('DashboardServer', () => {
  it("calls a method with the session's principal, and keeps a refusal's code and status", async () => {
    const { cookie, csrf } = await logIn(viewer);
    const headers = { 'content-type': 'application/json', cookie, [CSRF_HEADER]: csrf };
    const listed = await fetch(`${base}/ui/api/listServers`, { method: 'POST', headers, body: '{"x":1}' });
    expect(listed.status).toBe(200);
    expect(calls.at(-1)).toMatchObject({ method: 'listServers', body: { x: 1 }, call: { principal: viewer } });
    const refused = await fetch(`${base}/ui/api/stopServers`, { method: 'POST', headers, body: '{"all":true}' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'PERMISSION_DENIED' } });
    const unknown = await fetch(`${base}/ui/api/__proto__`, { method: 'POST', headers, body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('streams items as server-sent events, a failure as a last failure event', async () => {
    const { cookie } = await logIn(viewer);
    const input = encodeURIComponent(JSON.stringify({ limit: 5 }));
    const res = await fetch(`${base}/ui/api/followEvents?input=${input}`, { headers: { cookie } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    expect(text).toContain('data: {"id":1}\n\ndata: {"id":2}\n\n');
    expect(text).toMatch(/event: failure\ndata: \{"error":\{[^\n]*"code":"NOT_FOUND"/);
    expect(calls.at(-1)).toMatchObject({ method: 'followEvents', body: { limit: 5 }, call: { principal: viewer } });
  });

  it('logs out: the cookie no longer opens anything', async () => {
    const { cookie, csrf } = await logIn(viewer);
    const headers = { 'content-type': 'application/json', cookie, [CSRF_HEADER]: csrf };
    expect((await fetch(`${base}/ui/logout`, { method: 'POST', headers })).status).toBe(200);
    expect((await fetch(`${base}/ui/session`, { headers: { cookie } })).status).toBe(401);
  });

  it('logs a viewer token in, refuses a client token, and limits failed attempts per address', async () => {
    const post = (token: string) =>
      fetch(`${base}/ui/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
    const ok = await post('mcpctl_viewer');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/^mcpctl_ui=[\w-]+; Path=\/ui; HttpOnly; SameSite=Strict; Max-Age=/);
    expect(((await ok.json()) as { principal: { name: string } }).principal.name).toBe('ci-viewer');
    const client = await post('mcpctl_client');
    expect(client.status).toBe(403);
    expect(await client.json()).toMatchObject({ error: { message: /client token reaches only/ } });
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await post('mcpctl_wrong')).status).toBe(401);
    expect(refused).toEqual(['unknown', 'unknown', 'unknown']);
    const limited = await post('mcpctl_viewer');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
