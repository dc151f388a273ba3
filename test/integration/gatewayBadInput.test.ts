import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

interface Answer {
  status: number;
  body: { jsonrpc?: string; id?: unknown; error?: { code: number; message: string } } | undefined;
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
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    // An oversized body is read to its end and discarded: a reset (EPIPE here) would mean a lost 413.
    req.on('error', reject);
    req.end(body);
  });
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

describe('bad input on the daemon gateway', () => {
  it('answers each with the right status and JSON-RPC error, and keeps serving a well-behaved client', async () => {
    const endpoint = '/servers/everything/mcp';
    const cases: Array<[string, Promise<Answer>, number, number | undefined]> = [
      ['malformed JSON', post(endpoint, '{"jsonrpc":'), 400, -32700],
      ['not a JSON-RPC message', post(endpoint, '{"hello":"world"}'), 400, -32600],
      [
        'unknown session id',
        post(endpoint, '{"jsonrpc":"2.0","id":2,"method":"tools/list"}', { 'mcp-session-id': 'no-such-session' }),
        404,
        undefined,
      ],
      [
        'unsupported protocol version header',
        post(endpoint, initialize, { 'mcp-protocol-version': '1999-01-01' }),
        400,
        undefined,
      ],
      [
        'oversized body',
        post(
          endpoint,
          JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'x', params: { pad: 'x'.repeat(5 * 1024 * 1024) } }),
        ),
        413,
        undefined,
      ],
      ['foreign Origin', post(endpoint, initialize, { origin: 'http://evil.example' }), 403, undefined],
      [
        'foreign Host',
        post(endpoint, initialize, { host: `evil.example:${new URL(daemon.gatewayUrl).port}` }),
        403,
        undefined,
      ],
      ['unknown server', post('/servers/nope/mcp', initialize), 404, undefined],
      ['path traversal', post('/servers/..%2f..%2fetc/mcp', initialize), 404, undefined],
    ];
    for (const [what, answer, status, code] of cases) {
      const { status: got, body } = await answer;
      expect(got, what).toBe(status);
      expect(body?.jsonrpc, `${what}: a JSON-RPC error body`).toBe('2.0');
      if (code !== undefined) expect(body?.error?.code, what).toBe(code);
    }

    // A reset connection can overtake the answer; every oversized POST must still get its 413.
    const oversized = JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'x', params: { pad: 'y'.repeat(5 << 20) } });
    for (let i = 0; i < 10; i++) expect((await post(endpoint, oversized)).status).toBe(413);

    const batch = await post(endpoint, JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { bad: true }]));
    expect(batch.status).toBe(400);

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
});
