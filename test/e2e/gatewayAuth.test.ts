import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { type HeaderEcho, startHeaderEcho } from '../helpers/headerEcho.js';

/** `gateway.auth: token` on the loopback gateway, read-only client tokens, and no token passthrough upstream. */
let daemon: TestDaemon;
let upstream: HeaderEcho;
const tokens: Record<string, string> = {};

async function connect(name: string, token: string): Promise<Client> {
  const client = new Client({ name: 'auth-test', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(daemon.endpoint(name)), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

beforeAll(async () => {
  upstream = await startHeaderEcho();
  daemon = await startTestDaemon({ MCPCTL_GATEWAY_AUTH: 'token' });
  const added = await mcpctl(daemon.home, ['server', 'add', 'remote', '--url', upstream.url]);
  expect(added.code, added.stderr).toBe(0);
  await addRunningServer(daemon.home, 'alpha', [], [process.execPath, EVERYTHING]);
  for (const [name, flags] of [
    ['client', ['--role', 'client']],
    ['reader', ['--role', 'client', '--read-only']],
  ] as const) {
    tokens[name] = (await mcpctlJson<{ token: string }>(daemon.home, ['token', 'create', name, ...flags])).token;
  }
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  upstream?.kill();
});

describe('gateway.auth: token', () => {
  it('refuses a loopback client without a token (401 + WWW-Authenticate)', async () => {
    const answer = await fetch(daemon.endpoint('alpha'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it("never passes the client's Authorization header to an http upstream", async () => {
    const client = await connect('remote', tokens.client as string);
    const result = await client.callTool({ name: 'request-headers', arguments: {} });
    const text = (result.content as Array<{ text: string }>)[0]?.text ?? '{}';
    const headers = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(headers).length).toBeGreaterThan(0);
    expect(headers.authorization).toBeUndefined();
    expect(text).not.toContain(tokens.client);
    await client.close();
  });

  it('gives a --read-only token only the tools annotated readOnlyHint, and refuses calling any other', async () => {
    const full = await connect('alpha', tokens.client as string);
    const all = (await full.listTools()).tools;
    await full.close();
    const writer = all.find((tool) => tool.annotations?.readOnlyHint !== true);
    expect(writer).toBeDefined();

    const reader = await connect('alpha', tokens.reader as string);
    const listed = (await reader.listTools()).tools;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThan(all.length);
    expect(listed.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
    const echoed = await reader.callTool({ name: 'echo', arguments: { message: 'hi' } });
    expect(JSON.stringify(echoed.content)).toContain('hi');
    await expect(reader.callTool({ name: writer?.name ?? '', arguments: {} })).rejects.toThrow(/read-only token/);
    await reader.close();
    // The audit log names the token that made the call, not the local owner.
    const rows = await waitFor('the echo call in the audit log', async () => {
      const audit = await mcpctlJson<Array<{ principal: string; role: string; method: string; tool: string | null }>>(
        daemon.home,
        ['audit', '--server', 'alpha'],
      );
      return audit.some((row) => row.tool === 'echo') ? audit : undefined;
    });
    expect(rows.find((row) => row.tool === 'echo')).toMatchObject({
      principal: 'reader',
      role: 'client',
      method: 'tools/call',
    });
  });
});
