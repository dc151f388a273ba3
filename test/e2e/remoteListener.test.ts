import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES, STREAM_NAMES } from '../../src/core/apiNames.js';
import { ACCESS_ROLES, GATEWAY_PATHS, METHOD_RULES, STREAM_RULES } from '../../src/core/apiRoles.js';
import type { Role } from '../../src/shared/principal.js';
import { EVERYTHING, makeHome, mcpctl, mcpctlJson } from '../helpers/cli.js';
import { addRunningServer } from '../helpers/daemon.js';

/**
 * The remote listener end to end: a real daemon with `--listen 127.0.0.1:0`, real tokens, TLS
 * verified against the daemon's own self-signed certificate. The rate-limit test runs last:
 * every request here comes from 127.0.0.1.
 */

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Sent on a kept-alive connection that an earlier request used. */
  reused: boolean;
}

let home: string;
let cleanup: () => void;
let base: URL;
let ca: string;
const tokens: Record<string, string> = {};

function send(
  method: string,
  path: string,
  options: { token?: string; body?: string; headers?: Record<string, string>; agent?: Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method,
        ca,
        ...(options.agent === undefined ? {} : { agent: options.agent }),
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, reused: req.reusedSocket }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'matrix', version: '1' } },
});

async function openSession(token: string, target = '/servers/alpha/mcp', agent?: Agent): Promise<string> {
  const answer = await send('POST', target, { token, body: INITIALIZE, ...(agent === undefined ? {} : { agent }) });
  expect(answer.status, answer.body).toBe(200);
  const id = answer.headers['mcp-session-id'];
  if (typeof id !== 'string') throw new Error('no session id');
  return id;
}

/** A response held open (server-sent events): resolves once its head has come; `ended` when the daemon ends it. */
function openStream(
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const head = body === undefined ? headers : { ...headers, 'content-type': 'application/json' };
    const req = request({ host: base.hostname, port: base.port, path, method, ca, headers: head }, (res) => {
      res.resume();
      const ended = new Promise<void>((done) => res.once('close', () => done()));
      resolve({ status: res.statusCode ?? 0, ended });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether `ended` settles within `ms`. */
async function endsWithin(ended: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([ended.then(() => true as const), late]);
  clearTimeout(timer);
  return result;
}

/**
 * A token's long-lived streams: the dashboard's event stream (logged in with it), a gateway
 * session's SSE, and a control stream (`events --follow` through a remote context).
 */
async function openTokenStreams(
  token: string,
): Promise<{ dashboard: Promise<void>; gateway: Promise<void>; control: Promise<void> }> {
  const login = await send('POST', '/ui/login', { body: JSON.stringify({ token }) });
  expect(login.status, login.body).toBe(200);
  const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
  const events = await openStream('/ui/api/followEvents?input=%7B%7D', { cookie, accept: 'text/event-stream' });
  expect(events.status).toBe(200);
  const id = await openSession(token);
  const sse = await openStream('/servers/alpha/mcp', {
    authorization: `Bearer ${token}`,
    accept: 'text/event-stream',
    'mcp-session-id': id,
    'mcp-protocol-version': '2025-06-18',
  });
  expect(sse.status).toBe(200);
  const control = await openStream('/v1/followEvents', { authorization: `Bearer ${token}` }, 'POST', '{}');
  expect(control.status).toBe(200);
  return { dashboard: events.ended, gateway: sse.ended, control: control.ended };
}

beforeAll(async () => {
  ({ home, cleanup } = makeHome());
  const started = await mcpctl(home, ['daemon', 'start', '--listen', '127.0.0.1:0']);
  expect(started.code, started.stderr).toBe(0);
  const status = await mcpctlJson<{ remote: { url: string; fingerprint: string; certFile: string } | null }>(home, [
    'daemon',
    'status',
  ]);
  if (status.remote === null) throw new Error('no remote listener');
  expect(status.remote.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  base = new URL(status.remote.url);
  ca = readFileSync(status.remote.certFile, 'utf8');
  await addRunningServer(home, 'alpha', [], [process.execPath, EVERYTHING]);
  const specs: Array<[string, string[]]> = [
    ['admin', ['--role', 'admin']],
    ['operator', ['--role', 'operator']],
    ['viewer', ['--role', 'viewer']],
    ['client', ['--role', 'client']],
    ['scoped', ['--role', 'client', '--scope', 'server:alpha']],
  ];
  for (const [name, flags] of specs) {
    tokens[name] = (await mcpctlJson<{ token: string }>(home, ['token', 'create', name, ...flags])).token;
  }
}, 60_000);

afterAll(async () => {
  await mcpctl(home, ['daemon', 'stop']);
  cleanup();
});

const ROLES: Role[] = ['admin', 'operator', 'viewer', 'client'];

describe('the remote listener', () => {
  it('enforces the role matrix on every control method and stream over TLS (a probe body: 400 when allowed)', async () => {
    const rules = { ...METHOD_RULES, ...STREAM_RULES } as Record<string, { access: keyof typeof ACCESS_ROLES }>;
    for (const name of [...METHOD_NAMES, ...STREAM_NAMES]) {
      const rule = rules[name];
      expect(rule, `no matrix row for ${name}`).toBeDefined();
      for (const role of ROLES) {
        // Unknown keys fail every strict input schema: an allowed role reaches validation, nothing runs.
        const answer = await send('POST', `/v1/${name}`, { token: tokens[role], body: '{"probe":true}' });
        const expected = ACCESS_ROLES[rule?.access ?? 'admin'].includes(role) ? 400 : 403;
        expect(answer.status, `${role} ${name}: ${answer.body}`).toBe(expected);
      }
      const scoped = await send('POST', `/v1/${name}`, { token: tokens.scoped, body: '{"probe":true}' });
      expect(scoped.status, `scoped client ${name}`).toBe(403);
    }
  });

  it('enforces it on every gateway path kind; a scoped client sees only its server (404 elsewhere)', async () => {
    for (const path of GATEWAY_PATHS) {
      const [kind, endpoint] = path.split('/');
      // POST to sse (405), POST to messages without a session (400), initialize on mcp (200): never a stream held open.
      const url = (name: string) => `/${kind}/${name}/${endpoint}`;
      const body = endpoint === 'mcp' ? INITIALIZE : '{}';
      for (const role of ROLES) {
        const answer = await send('POST', url('alpha'), { token: tokens[role], body });
        if (role === 'viewer') expect(answer.status, `${role} ${path}`).toBe(403);
        else expect([200, 400, 404, 405], `${role} ${path}: ${answer.status}`).toContain(answer.status);
      }
      if (kind === 'servers') {
        const inScope = await send('POST', url('alpha'), { token: tokens.scoped, body });
        expect([200, 400, 405], `scoped ${path}`).toContain(inScope.status);
      }
      const outOfScope = await send('POST', url(kind === 'servers' ? 'beta' : 'dev'), { token: tokens.scoped, body });
      expect(outOfScope.status, `scoped ${path} out of scope`).toBe(404);
    }
  });

  it('answers 401 with WWW-Authenticate without a valid token, 400 for a token in the URL', async () => {
    for (const token of [undefined, 'mcpctl_forged', `mcpctl_${'A'.repeat(43)}`]) {
      const answer = await send('POST', '/v1/listServers', { ...(token ? { token } : {}), body: '{}' });
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
      const gateway = await send('POST', '/servers/alpha/mcp', { ...(token ? { token } : {}), body: INITIALIZE });
      expect(gateway.status).toBe(401);
    }
    const inUrl = await send('POST', `/servers/alpha/mcp?access_token=${tokens.client}`, { body: INITIALIZE });
    expect(inUrl.status).toBe(400);
    const log = readFileSync(`${home}/logs/daemon.log`, 'utf8');
    for (const token of Object.values(tokens)) expect(log).not.toContain(token);
    // Each refusal is an audit row naming why, never the token.
    const audit = await mcpctlJson<Array<{ method: string; principal: string; error: string | null }>>(home, [
      'audit',
      '--principal',
      'anonymous',
    ]);
    const refusals = audit.filter((row) => row.method === 'authenticate');
    expect(refusals.length).toBeGreaterThanOrEqual(7);
    expect(new Set(refusals.map((row) => row.error))).toEqual(
      new Set(['missing', 'malformed', 'unknown', 'token in query string']),
    );
    expect(JSON.stringify(audit)).not.toContain('mcpctl_forged');
  });

  it('binds a gateway session to its principal: another token presenting the id gets 404', async () => {
    const id = await openSession(tokens.client as string);
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
    const headers = { 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' };
    const own = await send('POST', '/servers/alpha/mcp', { token: tokens.client, body: ping, headers });
    expect(own.status, own.body).toBe(200);
    const other = await send('POST', '/servers/alpha/mcp', { token: tokens.operator, body: ping, headers });
    expect(other.status).toBe(404);
  });

  it('ends the open gateway sessions of a revoked token, and refuses it from the next request', async () => {
    // One kept-alive connection for the revoked token (the listener remembers what a connection
    // presented), revoked over another, its next request right after.
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca });
    try {
      const id = await openSession(tokens.scoped as string, '/servers/alpha/mcp', agent);
      // What the connection presented before vouches for nothing that comes without it.
      const bare = await send('POST', '/servers/alpha/mcp', { body: INITIALIZE, agent });
      expect(bare).toMatchObject({ status: 401, reused: true });
      const revoked = await send('POST', '/v1/revokeToken', { token: tokens.admin, body: '{"name":"scoped"}' });
      expect(revoked.status, revoked.body).toBe(200);
      const after = await send('POST', '/servers/alpha/mcp', { token: tokens.scoped, body: INITIALIZE, agent });
      expect(after).toMatchObject({ status: 401, reused: true });
      const session = await mcpctlJson<{ state: string; closeReason: string | null }>(home, ['session', 'show', id]);
      expect(session).toMatchObject({ state: 'closed', closeReason: 'token revoked' });
      expect((await send('POST', '/v1/listServers', { token: tokens.scoped, body: '{}' })).status).toBe(401);
    } finally {
      agent.destroy();
    }
  });

  it("closes a revoked token's open dashboard event stream, gateway SSE stream and control stream within a second", async () => {
    const { token } = await mcpctlJson<{ token: string }>(home, ['token', 'create', 'watcher', '--role', 'operator']);
    const streams = await openTokenStreams(token);
    // Nothing ends them while the token stands.
    expect(await endsWithin(Promise.race([streams.dashboard, streams.gateway, streams.control]), 300)).toBe(false);
    expect((await mcpctl(home, ['token', 'revoke', 'watcher'])).code).toBe(0);
    expect(await endsWithin(streams.dashboard, 1000)).toBe(true);
    expect(await endsWithin(streams.gateway, 1000)).toBe(true);
    expect(await endsWithin(streams.control, 1000)).toBe(true);
  });

  it("closes an expiring token's open streams when it expires, and its gateway sessions name why", async () => {
    const created = await mcpctlJson<{ token: string; expiresAt: string }>(home, [
      'token',
      'create',
      'brief',
      '--role',
      'operator',
      '--expires',
      '4s',
    ]);
    const streams = await openTokenStreams(created.token);
    const left = Date.parse(created.expiresAt) - Date.now();
    expect(left, 'the streams opened too slowly to watch the expiry').toBeGreaterThan(100);
    expect(await endsWithin(Promise.race([streams.dashboard, streams.gateway, streams.control]), left - 100)).toBe(
      false,
    );
    expect(await endsWithin(streams.dashboard, 1000)).toBe(true);
    expect(await endsWithin(streams.gateway, 1000)).toBe(true);
    expect(await endsWithin(streams.control, 1000)).toBe(true);
    const sessions = await mcpctlJson<Array<{ principal?: string; closeReason: string | null }>>(home, [
      'session',
      'ls',
      '--all',
      '-o',
      'json',
    ]);
    expect(sessions.map((session) => session.closeReason)).toContain('token expired');
  });

  it('answers 429 with Retry-After after 20 failed attempts in a minute from one address', async () => {
    let last: Answer | undefined;
    for (let attempt = 0; attempt < 25; attempt += 1) {
      last = await send('POST', '/v1/listServers', { token: 'mcpctl_wrong', body: '{}' });
      if (last.status === 429) break;
    }
    expect(last?.status).toBe(429);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    // A valid token from the same address waits too: a guesser cannot reset the count with one.
    expect((await send('POST', '/v1/listServers', { token: tokens.admin, body: '{}' })).status).toBe(429);
  });
});
