import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../src/core/api.js';
import { createRemoteApi } from '../../src/core/remoteApi.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { FIXTURES, makeHome, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';

/** 40 MiB per flood: well past the 8 MiB cap plus what the kernel's socket buffers absorb. */
const FLOOD = { count: 640, size: 64 * 1024 };
const PROTOCOL = '2025-11-25';

let home: string;
let cleanup: () => void;
let pid: number;
let base: string;
let port: number;
let normals: Client[];

beforeAll(async () => {
  ({ home, cleanup } = makeHome());
  const status = await mcpctlJson<{ pid: number; gateway: { url: string; port: number } | null }>(home, [
    'daemon',
    'start',
  ]);
  if (!status.gateway) throw new Error('the daemon reports no gateway');
  ({ pid } = status);
  base = status.gateway.url;
  port = status.gateway.port;
  const added = await mcpctl(home, ['server', 'add', 'flood', '--', process.execPath, join(FIXTURES, 'flood.mjs')]);
  expect(added.code, added.stderr).toBe(0);
  // Ten well-behaved clients that want no debug logs.
  normals = await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const client = new Client({ name: `normal-${i}`, version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/servers/flood/mcp`)));
      await client.setLoggingLevel('error');
      return client;
    }),
  );
});

afterAll(async () => {
  await Promise.all((normals ?? []).map((client) => client.close()));
  await mcpctl(home, ['daemon', 'stop']);
  cleanup?.();
});

function rssMiB(): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1]) / 1024;
}

/** The 10 normal sessions call echo in a loop until `done`; every call must answer (none waits behind the stalled one). */
async function normalTraffic(done: Promise<unknown>): Promise<{ calls: number; slowestMs: number }> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let calls = 0;
  let slowestMs = 0;
  await Promise.all(
    normals.map(async (client, i) => {
      do {
        const started = Date.now();
        const result = await client.callTool({ name: 'echo', arguments: { message: `normal ${i}` } });
        expect(result).toMatchObject({ content: [{ type: 'text', text: `normal ${i}` }] });
        slowestMs = Math.max(slowestMs, Date.now() - started);
        calls += 1;
      } while (!finished);
    }),
  );
  return { calls, slowestMs };
}

/** A raw HTTP request whose response is read up to its headers (and `until` in the body), then never again. */
async function stalledRequest(head: string, body = '', until = '\r\n\r\n'): Promise<{ socket: Socket; seen: string }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(
    `${head}Host: 127.0.0.1:${port}\r\n${body === '' ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`}\r\n${body}`,
  );
  let seen = '';
  await new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (!seen.includes('\r\n\r\n') || !seen.slice(seen.indexOf('\r\n\r\n')).includes(until)) return;
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
  });
  socket.pause();
  return { socket, seen };
}

/** Once the session is reported closed, reading again must reach the end of the stream. */
function streamEnds(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    socket.on('data', () => {});
    socket.once('close', () => resolve());
    socket.resume();
  });
}

async function closedSession(id: string): Promise<SessionView> {
  return waitFor(`session ${id} closed`, async () => {
    // In-process, as `session ls --all -o json` asks: a CLI start per poll is slow under load.
    const sessions = await createRemoteApi(resolvePaths({ MCPCTL_HOME: home }).socket).listSessions({ all: true });
    const session = sessions.find((candidate) => candidate.id === id);
    return session?.state === 'closed' ? session : undefined;
  });
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
}

/** A Streamable HTTP session, initialized, that wants debug logs; returns its headers. */
async function streamableSession(name: string): Promise<Record<string, string>> {
  const init = await post('/servers/flood/mcp', {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name, version: '1' } },
  });
  const id = init.headers.get('mcp-session-id') as string;
  await init.text();
  const headers = { 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL };
  await (await post('/servers/flood/mcp', { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).text();
  const level = await post(
    '/servers/flood/mcp',
    { jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: { level: 'debug' } },
    headers,
  );
  expect(await level.json()).toMatchObject({ id: 2, result: {} });
  return headers;
}

const floodCall = (id: number, progressToken?: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'flood', arguments: FLOOD, ...(progressToken ? { _meta: { progressToken } } : {}) },
});

/** Floods while the normal sessions work; returns the daemon's peak RSS growth and the normal traffic's figures. */
async function underFlood(flood: () => Promise<unknown>, stalledId: string) {
  const before = rssMiB();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB());
  }, 50);
  const closed = closedSession(stalledId);
  const traffic = normalTraffic(closed);
  await flood();
  const session = await closed;
  const figures = await traffic;
  clearInterval(sampler);
  return { session, growthMiB: peak - before, ...figures };
}

describe('F9: a client that stops reading is cut off, the others are not', () => {
  it('F9: a legacy SSE stream that is never read: session closed as slow client, 10 others keep working, RSS bounded', async () => {
    const { socket, seen } = await stalledRequest(
      'GET /servers/flood/sse HTTP/1.1\r\nAccept: text/event-stream\r\n',
      '',
      '\n\n',
    );
    const endpoint = /data: (\S+)/.exec(seen)?.[1] as string;
    const id = new URL(endpoint, base).searchParams.get('sessionId') as string;
    const send = async (message: unknown): Promise<void> => {
      expect((await post(endpoint, message)).status).toBe(202);
    };
    await send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'stalled-sse', version: '1' } },
    });
    await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const result = await underFlood(() => send(floodCall(2, 'legacy-flood')), id);
    expect(result.session.closeReason).toBe('slow client');
    await streamEnds(socket);
    expect(result.calls).toBeGreaterThanOrEqual(10);
    expect(result.slowestMs).toBeLessThan(10_000);
    expect(result.growthMiB).toBeLessThan(64);
  });

  it('F9: a Streamable HTTP GET stream that is never read: session closed as slow client, others unaffected', async () => {
    const headers = await streamableSession('stalled-get');
    const id = headers['mcp-session-id'] as string;
    const { socket } = await stalledRequest(
      `GET /servers/flood/mcp HTTP/1.1\r\nAccept: text/event-stream\r\nMcp-Session-Id: ${id}\r\nMCP-Protocol-Version: ${PROTOCOL}\r\n`,
    );
    // A normal session's flood call makes debug logs, which only the stalled session wants (on its GET stream).
    const result = await underFlood(
      () => (normals[0] as Client).callTool({ name: 'flood', arguments: FLOOD }, undefined, { timeout: 30_000 }),
      id,
    );
    expect(result.session.closeReason).toBe('slow client');
    await streamEnds(socket);
    expect(result.slowestMs).toBeLessThan(10_000);
    expect(result.growthMiB).toBeLessThan(64);
    // The stalled session is gone for good: its id now gets 404.
    expect((await post('/servers/flood/mcp', { jsonrpc: '2.0', id: 9, method: 'ping' }, headers)).status).toBe(404);
  });

  it('F9: a POST answered as SSE that is never read: session closed as slow client, others unaffected', async () => {
    const headers = await streamableSession('stalled-post');
    const id = headers['mcp-session-id'] as string;
    const body = JSON.stringify(floodCall(3, 'post-flood'));
    let stalled: Socket | undefined;
    const result = await underFlood(async () => {
      ({ socket: stalled } = await stalledRequest(
        `POST /servers/flood/mcp HTTP/1.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMcp-Session-Id: ${id}\r\nMCP-Protocol-Version: ${PROTOCOL}\r\n`,
        body,
      ));
    }, id);
    expect(result.session.closeReason).toBe('slow client');
    await streamEnds(stalled as Socket);
    expect(result.slowestMs).toBeLessThan(10_000);
    expect(result.growthMiB).toBeLessThan(64);
  });
});
