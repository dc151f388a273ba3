import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeView } from '../../src/core/api.js';
import { loadTlsMaterial } from '../../src/daemon/remote/tlsCertificate.js';
import { PG_NOW } from '../../src/store/postgres/dbClock.js';
import { CLI_NODE, EVERYTHING, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { NO_HAPROXY, startHaproxy } from '../helpers/haproxy.js';
import { connectHttp } from '../helpers/mcpClient.js';
import { usePostgres } from '../helpers/postgres.js';
import { NO_KEYRING } from '../helpers/secrets.js';

/**
 * Two daemons (nodes a and b) on one real PostgreSQL, each with its TLS listener and the same
 * master key: a session opened on a is served through b (relayed to a over TLS with the node
 * credential), its GET stream and DELETE too; a forged credential is refused; the client's own
 * Authorization never reaches the owner; when a is killed -9, b answers 404 for a's sessions and
 * opens new ones itself; and behind a real HAProxy in round robin the SDK client sees no error.
 */
const cluster = usePostgres();
const MASTER_KEY = 'c'.repeat(64);
const ACCEPT = 'application/json, text/event-stream';

interface Status {
  pid: number;
  gateway: { url: string } | null;
  remote: { url: string; fingerprint: string | null } | null;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A JSON-RPC POST; an SSE answer is read up to its JSON message. */
async function post(url: string, sessionId: string, message: object, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { accept: ACCEPT, 'content-type': 'application/json', 'mcp-session-id': sessionId, ...headers },
    body: JSON.stringify(message),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('text/event-stream')
    ? text
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice(6)) as unknown)
        .at(-1)
    : text === ''
      ? undefined
      : (JSON.parse(text) as unknown);
  return { status: res.status, headers: res.headers, body: json } satisfies Answer;
}

/** A raw initialize (no SDK: no GET stream of its own) and its initialized notification; the session id. */
async function initialize(url: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { accept: ACCEPT, 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
    }),
  });
  await res.text();
  const id = res.headers.get('mcp-session-id');
  if (res.status !== 200 || id === null) throw new Error(`initialize answered ${res.status}`);
  const done = await post(url, id, { jsonrpc: '2.0', method: 'notifications/initialized' });
  if (done.status !== 202) throw new Error(`initialized answered ${done.status}`);
  return id;
}

const echo = (message: string, id = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'echo', arguments: { message } },
});

/** A request straight to a node's TLS listener (its certificate is self-signed: not checked here). */
function tlsPost(url: string, path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method: 'POST', headers, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('sessions across nodes', () => {
  let a: E2eHome;
  let b: E2eHome;
  let env: NodeJS.ProcessEnv;
  let dbUrl: string;
  let statusA: Status;
  let statusB: Status;
  const mcpOf = (status: Status) => `${status.gateway?.url}/servers/everything/mcp`;
  const forwardedOnB = async () =>
    (await b.json<{ gateway: { forwarded: Record<string, number> } }>(['metrics', '-o', 'json'], env)).gateway
      .forwarded;

  beforeAll(async () => {
    a = e2eHome();
    b = e2eHome();
    dbUrl = (await cluster().createDatabase()).url;
    env = {
      ...NO_KEYRING,
      MCPCTL_STORE_URL: dbUrl,
      MCPCTL_MASTER_KEY: MASTER_KEY,
      MCPCTL_TEST_HEARTBEAT_MS: '200',
      // HAProxy forwards its own Host (127.0.0.1:ITS_PORT).
      MCPCTL_ALLOWED_HOSTS: '127.0.0.1',
    };
    const startedA = await a.run(['daemon', 'start', '--node', 'a', '--listen', '127.0.0.1:0'], { env });
    expect(startedA.code, startedA.stderr).toBe(0);
    const added = await a.run(
      ['server', 'add', 'everything', ...a.mark('everything'), '--replicas', 'all', '--', CLI_NODE, EVERYTHING],
      {
        env,
      },
    );
    expect(added.code, added.stderr).toBe(0);
    // On every node (`--replicas all`): b reads the definition from the store at start and runs it too.
    const startedB = await b.run(['daemon', 'start', '--node', 'b', '--listen', '127.0.0.1:0'], { env });
    expect(startedB.code, startedB.stderr).toBe(0);
    statusA = await a.json<Status>(['daemon', 'status', '-o', 'json'], env);
    statusB = await b.json<Status>(['daemon', 'status', '-o', 'json'], env);
    await waitFor('everything running on both nodes', async () => {
      const running = await Promise.all(
        [a, b].map(async (h) => (await h.json<Array<{ state: string }>>(['ls', '-o', 'json'], env))[0]?.state),
      );
      return running.every((state) => state === 'running') || undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
  }, 60_000);

  it('node ls lists both nodes with the URL of their TLS listener', async () => {
    const nodes = await b.json<NodeView[]>(['node', 'ls', '-o', 'json'], env);
    expect(nodes.map((node) => [node.name, node.url, node.live])).toEqual([
      ['a', statusA.remote?.url, true],
      ['b', statusB.remote?.url, true],
    ]);
    expect((await b.run(['node', 'ls'], { env })).stdout).toMatch(/URL/);
  });

  it('a session opened on a is answered through b: calls, its GET stream and its DELETE are relayed to a', async () => {
    const id = await initialize(mcpOf(statusA));
    const before = (await forwardedOnB()).session ?? 0;

    const answer = await post(mcpOf(statusB), id, echo('via b'));
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).toContain('Echo: via b');
    expect((await forwardedOnB()).session).toBe(before + 1);
    const scraped = await (await fetch(`${statusB.gateway?.url}/metrics`)).text();
    expect(scraped).toMatch(/mcpctl_gateway_forwarded_requests_total\{reason="session"\} [1-9]/);

    const stream = new AbortController();
    const opened = await fetch(mcpOf(statusB), {
      headers: { accept: 'text/event-stream', 'mcp-session-id': id },
      signal: stream.signal,
    });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toContain('text/event-stream');
    // The stream is a's session's: a second GET straight to a is refused as a duplicate.
    const duplicate = await fetch(mcpOf(statusA), { headers: { accept: 'text/event-stream', 'mcp-session-id': id } });
    expect(duplicate.status).toBe(409);
    await duplicate.body?.cancel();
    stream.abort();

    const ended = await fetch(mcpOf(statusB), { method: 'DELETE', headers: { 'mcp-session-id': id } });
    expect(ended.status).toBe(200);
    expect((await post(mcpOf(statusA), id, echo('gone'))).status).toBe(404);
    expect((await post(mcpOf(statusB), id, echo('gone'))).status).toBe(404);
  });

  it('refuses a forged node credential with 401 on the TLS listener', async () => {
    const asserted = Buffer.from(
      JSON.stringify({ principal: { kind: 'owner', name: 'owner', role: 'admin' }, address: '127.0.0.1' }),
    ).toString('base64url');
    const status = await tlsPost(
      statusA.remote?.url ?? '',
      '/servers/everything/mcp',
      {
        authorization: `Bearer mcpctl-node_${'A'.repeat(43)}`,
        'mcpctl-forwarded-by': 'b',
        'mcpctl-forwarded-for': asserted,
        accept: ACCEPT,
        'content-type': 'application/json',
      },
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    );
    expect(status).toBe(401);
  });

  it("passes the owner the node credential and the asserted caller, never the client's Authorization", async () => {
    // A node of our own making that owns one session: it shows what a relayed request carries.
    const dir = mkdtempSync(join(tmpdir(), 'mcpctl-fake-node-'));
    const tls = loadTlsMaterial({ stateDir: dir, altNames: [] });
    const seen: IncomingHttpHeaders[] = [];
    const owner = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} }));
      });
    });
    await new Promise<void>((resolve) => owner.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(owner.address() as AddressInfo).port}`;
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO nodes (name, version, load, first_seen_at, last_heartbeat_at, url, fingerprint)
         VALUES ('fake', '0', '{}', ${PG_NOW}, ${PG_NOW}, $1, $2)`,
        [url, tls.fingerprint],
      );
      const now = new Date().toISOString();
      await db.query(
        `INSERT INTO sessions (id, server, transport, started_at, last_activity, requests, errors, node)
         VALUES ('fake-session', 'everything', 'streamable-http', $1, $1, 0, 0, 'fake')`,
        [now],
      );
      const answer = await post(mcpOf(statusB), 'fake-session', echo('x'), {
        authorization: 'Bearer mcpctl_client_secret_token',
      });
      expect(answer.status).toBe(200);
      expect(seen).toHaveLength(1);
      const headers = seen[0] ?? {};
      expect(headers.authorization).toMatch(/^Bearer mcpctl-node_/);
      expect(JSON.stringify(headers)).not.toContain('mcpctl_client_secret_token');
      expect(headers['mcpctl-forwarded-by']).toBe('b');
      expect(JSON.parse(Buffer.from(String(headers['mcpctl-forwarded-for']), 'base64url').toString())).toMatchObject({
        principal: { kind: 'owner', name: 'owner', role: 'admin' },
      });
      expect(headers['mcp-session-id']).toBe('fake-session');

      // The credential covers the assertion: the same credential asserting another caller is refused by a.
      const tampered = Buffer.from(
        JSON.stringify({ principal: { kind: 'token', name: 'other', role: 'admin' }, address: 'x' }),
      ).toString('base64url');
      const replayed = await tlsPost(
        statusA.remote?.url ?? '',
        '/servers/everything/mcp',
        {
          authorization: String(headers.authorization),
          'mcpctl-forwarded-by': 'b',
          'mcpctl-forwarded-for': tampered,
          accept: ACCEPT,
          'content-type': 'application/json',
        },
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      );
      expect(replayed).toBe(401);
    } finally {
      await db.query("DELETE FROM nodes WHERE name = 'fake'").catch(() => undefined);
      await db.end();
      await new Promise<void>((resolve) => owner.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(NO_HAPROXY)('behind HAProxy in round robin, with no affinity, 20 SDK calls see no error', async () => {
    const lb = await startHaproxy({
      backends: [
        { port: Number(new URL(statusA.gateway?.url ?? '').port) },
        { port: Number(new URL(statusB.gateway?.url ?? '').port) },
      ],
    });
    try {
      const before = (await forwardedOnB()).session ?? 0;
      const session = await connectHttp(
        `${lb.url}/servers/everything/mcp`,
        new Client({ name: 'balanced', version: '1.0.0' }),
      );
      for (let i = 0; i < 20; i++) {
        const result = await session.client.callTool({ name: 'echo', arguments: { message: `n${i}` } });
        expect(JSON.stringify(result.content)).toContain(`Echo: n${i}`);
      }
      await session.close();
      // Half the requests landed on the node that does not own the session, wherever it was opened.
      const forwardedA =
        (await a.json<{ gateway: { forwarded: Record<string, number> } }>(['metrics', '-o', 'json'], env)).gateway
          .forwarded.session ?? 0;
      expect(((await forwardedOnB()).session ?? 0) - before + forwardedA).toBeGreaterThanOrEqual(10);
    } finally {
      await lb.stop();
    }
  });

  it("a legacy SSE session's POST /messages?sessionId= through b reaches a, whose stream answers it", async () => {
    const stream = new AbortController();
    const res = await fetch(`${statusA.gateway?.url}/servers/everything/sse`, {
      headers: { accept: 'text/event-stream' },
      signal: stream.signal,
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (pattern: RegExp): Promise<RegExpExecArray> => {
      for (;;) {
        const found = pattern.exec(text);
        if (found) return found;
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    try {
      const endpoint = (await until(/event: endpoint\ndata: (\S+)\n/))[1] ?? '';
      const send = (message: object) =>
        fetch(`${statusB.gateway?.url}${endpoint}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
        });
      const init = await send({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'legacy', version: '1' } },
      });
      expect(init.status).toBe(202);
      await until(/"id":0,"result"/);
      expect((await send({ jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202);
      expect((await send(echo('legacy via b', 7))).status).toBe(202);
      await until(/Echo: legacy via b/);
    } finally {
      stream.abort();
    }
  });

  it("after a is killed -9, b answers 404 for a's sessions and opens new ones itself", async () => {
    const id = await initialize(mcpOf(statusA));
    expect((await post(mcpOf(statusB), id, echo('before'))).status).toBe(200);
    process.kill(statusA.pid, 'SIGKILL');
    await waitFor('a to be gone', async () => (a.daemonPids().length === 0 ? true : undefined));

    const lost = await post(mcpOf(statusB), id, echo('after'));
    expect(lost.status).toBe(404);
    const fresh = await connectHttp(mcpOf(statusB), new Client({ name: 'fresh', version: '1.0.0' }));
    const result = await fresh.client.callTool({ name: 'echo', arguments: { message: 'on b' } });
    expect(JSON.stringify(result.content)).toContain('Echo: on b');
    await fresh.close();
  });
});
