import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, mcpctl } from '../helpers/cli.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

let daemon: TestDaemon;

beforeAll(async () => {
  daemon = await startTestDaemon();
  const added = await mcpctl(daemon.home, ['server', 'add', 'everything', '--', process.execPath, EVERYTHING, 'stdio']);
  expect(added.code, added.stderr).toBe(0);
});

afterAll(async () => {
  await daemon?.stop();
});

// "Daemon stays up": after every case a well-behaved SDK client still gets its answer.
afterEach(async () => {
  const client = new Client({ name: 'after-the-storm', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(daemon.endpoint('everything')));
  await client.connect(transport);
  const result = (await client.callTool({ name: 'echo', arguments: { message: 'still here' } })) as {
    content: Array<{ text: string }>;
  };
  expect(result.content[0]?.text).toBe('Echo: still here');
  await transport.terminateSession();
  await client.close();
});

interface Answer {
  status: number;
  headers: import('node:http').IncomingHttpHeaders;
  body:
    | {
        jsonrpc?: string;
        id?: unknown;
        result?: Record<string, unknown>;
        error?: { code: number; message: string };
      }
    | undefined;
}

/** The JSON-RPC message of a body, JSON or the last `data:` of an SSE stream. */
function parseBody(text: string, type: string | undefined): Answer['body'] {
  if (!text.trim()) return undefined;
  if (type?.startsWith('text/event-stream')) {
    const data = text
      .split('\n')
      .filter((line) => line.startsWith('data:') && line.slice(5).trim() !== '')
      .at(-1);
    return data === undefined ? undefined : JSON.parse(data.slice(5));
  }
  return JSON.parse(text);
}

/** A raw POST with full control of headers and body, as a hostile or broken client would send it. */
function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(path, daemon.gatewayUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: parseBody(text, res.headers['content-type']),
          }),
        );
      },
    );
    // An oversized body is read to its end and discarded: a reset (EPIPE here) would mean a lost 413.
    req.on('error', reject);
    req.end(body);
  });
}

const ENDPOINT = '/servers/everything/mcp';

function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN);
}

function initialize(protocolVersion = '2025-11-25'): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
}

/** Opens a raw session on the given protocol version; resolves with its id. */
async function rawSession(protocolVersion: string): Promise<string> {
  const answer = await post(ENDPOINT, initialize(protocolVersion));
  const id = answer.headers['mcp-session-id'];
  if (answer.status !== 200 || typeof id !== 'string') throw new Error(`initialize failed: ${answer.status}`);
  await post(ENDPOINT, '{"jsonrpc":"2.0","method":"notifications/initialized"}', {
    'mcp-session-id': id,
    'mcp-protocol-version': protocolVersion,
  });
  return id;
}

/** The status of a GET, read without waiting for a stream's end. */
function fetchStatus(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, daemon.gatewayUrl), { headers: { accept: 'text/event-stream', ...headers } });
    req.on('response', (res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

function expectRpcError(answer: Answer, status: number, code?: number): void {
  expect(answer.status).toBe(status);
  expect(answer.body?.jsonrpc, 'a JSON-RPC error body').toBe('2.0');
  expect(answer.body?.id).toBeNull();
  if (code !== undefined) expect(answer.body?.error?.code).toBe(code);
}

describe('bad input on the daemon gateway', () => {
  it('B1: bad JSON → 400 -32700, not a request object → 400 -32600, a JSON array on ≥ 2025-06-18 → 400', async () => {
    expectRpcError(await post(ENDPOINT, '{"jsonrpc":'), 400, -32700);
    expectRpcError(await post(ENDPOINT, '{"hello":"world"}'), 400, -32600);
    expectRpcError(await post(ENDPOINT, '42'), 400, -32600);
    for (const version of ['2025-06-18', '2025-11-25']) {
      const id = await rawSession(version);
      const headers = { 'mcp-session-id': id, 'mcp-protocol-version': version };
      expectRpcError(await post(ENDPOINT, '{"jsonrpc": "2.0", "id": 1,', headers), 400, -32700);
      expectRpcError(await post(ENDPOINT, '{"jsonrpc":"2.0","id":1}', headers), 400, -32600);
      const batch = JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { bad: true }]);
      expectRpcError(await post(ENDPOINT, batch, headers), 400, -32600);
      // The session itself is still good.
      const ping = await post(ENDPOINT, '{"jsonrpc":"2.0","id":2,"method":"ping"}', headers);
      expect(ping.body).toEqual({ jsonrpc: '2.0', id: 2, result: {} });
    }
  });

  it('B2: a body over 4 MiB → 413, every time, without the daemon keeping it', async () => {
    const oversized = JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'x', params: { pad: 'y'.repeat(5 << 20) } });
    const rssBefore = rssKiB(daemon.pid);
    // A reset connection can overtake the answer; every oversized POST must still get its 413.
    for (let i = 0; i < 20; i++) expectRpcError(await post(ENDPOINT, oversized), 413);
    // 100 MiB went by and none of it is kept (about 33 MiB of growth here is the heap's own slack).
    expect(rssKiB(daemon.pid) - rssBefore).toBeLessThan(64 * 1024);
  });

  it('B3: initialize with 1999-01-01 is answered with a supported version; a bad MCP-Protocol-Version header → 400', async () => {
    const answer = await post(ENDPOINT, initialize('1999-01-01'));
    expect(answer.status).toBe(200);
    const version = answer.body?.result?.protocolVersion;
    expect(SUPPORTED_PROTOCOL_VERSIONS).toContain(version);
    const id = answer.headers['mcp-session-id'];
    expect(typeof id).toBe('string');
    const headers = { 'mcp-session-id': String(id), 'mcp-protocol-version': String(version) };
    expect((await post(ENDPOINT, '{"jsonrpc":"2.0","id":2,"method":"ping"}', headers)).body).toMatchObject({
      id: 2,
      result: {},
    });

    expectRpcError(await post(ENDPOINT, initialize(), { 'mcp-protocol-version': '1999-01-01' }), 400);
    expectRpcError(
      await post(ENDPOINT, '{"jsonrpc":"2.0","id":3,"method":"ping"}', { ...headers, 'mcp-protocol-version': 'x' }),
      400,
    );
  });

  it('B4: missing session id → 400, unknown or ended → 404, outside 0x21–0x7E or over 128 bytes → 400', async () => {
    const ping = '{"jsonrpc":"2.0","id":2,"method":"tools/list"}';
    expectRpcError(await post(ENDPOINT, ping), 400);
    expectRpcError(await post(ENDPOINT, ping, { 'mcp-session-id': 'no-such-session' }), 404);
    expectRpcError(await post(ENDPOINT, ping, { 'mcp-session-id': 'a b' }), 400);
    expectRpcError(await post(ENDPOINT, ping, { 'mcp-session-id': 'caf\u00e9' }), 400);
    expectRpcError(await post(ENDPOINT, ping, { 'mcp-session-id': 'a'.repeat(129) }), 400);
    const id = await rawSession('2025-11-25');
    const ended = await new Promise<number>((resolve, reject) => {
      const req = request(new URL(ENDPOINT, daemon.gatewayUrl), {
        method: 'DELETE',
        headers: { 'mcp-session-id': id },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(ended).toBe(200);
    expectRpcError(await post(ENDPOINT, ping, { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' }), 404);
  });

  it('B5: an unknown server or a traversal in the gateway URL → 404', async () => {
    for (const path of [
      '/servers/nope/mcp',
      '/servers/..%2f..%2fetc/mcp',
      '/servers/..%2f../mcp',
      '/servers/a%00b/mcp',
    ]) {
      const answer = await post(path, initialize());
      expect(answer.status, path).toBe(404);
      expect(answer.body?.jsonrpc, path).toBe('2.0');
    }
  });

  it('B7: a foreign Origin or Host → 403 with a JSON-RPC error', async () => {
    for (const origin of ['http://evil.example', 'null']) {
      const answer = await post(ENDPOINT, initialize(), { origin });
      expectRpcError(answer, 403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
    expectRpcError(
      await post(ENDPOINT, initialize(), { host: `evil.example:${new URL(daemon.gatewayUrl).port}` }),
      403,
    );
    // The legacy SSE listener checks the same.
    const foreign: Array<Record<string, string>> = [{ origin: 'http://evil.example' }, { host: 'evil.example' }];
    for (const headers of foreign) {
      const sse = await fetchStatus('/servers/everything/sse', headers);
      expect(sse, JSON.stringify(headers)).toBe(403);
    }
  });
});
