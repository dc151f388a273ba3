import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, makeHome, mcpctl } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { type Haproxy, NO_HAPROXY, startHaproxy } from '../helpers/haproxy.js';
import { fetchWithHost } from '../helpers/hostFetch.js';

/**
 * A real HAProxy (Debian's) in front of the loopback gateway: it forwards the client's Host, the
 * balancer's name, which the gateway's DNS-rebinding check refuses unless `gateway.allowedHosts`
 * (here MCPCTL_ALLOWED_HOSTS) names it. Two daemons side by side, one with the setting, one without.
 */
const NAME = 'mcp.example.test';

let plain: TestDaemon;
let named: TestDaemon;
let plainLb: Haproxy;
let namedLb: Haproxy;

function gatewayPort(daemon: TestDaemon): number {
  return Number(new URL(daemon.gatewayUrl).port);
}

async function echoThrough(lb: Haproxy, host: string): Promise<unknown> {
  const client = new Client({ name: 'behind-haproxy', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(`${lb.url}/servers/everything/mcp`), {
    fetch: fetchWithHost(host),
  });
  try {
    await client.connect(transport);
    const result = await client.callTool({ name: 'echo', arguments: { message: 'through the balancer' } });
    await transport.terminateSession();
    return result.content;
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  if (NO_HAPROXY) return;
  [plain, named] = await Promise.all([
    startTestDaemon(),
    startTestDaemon({ MCPCTL_ALLOWED_HOSTS: `${NAME},other.test:9` }),
  ]);
  // The Host check runs before any route: the daemon without the setting needs no server.
  await addRunningServer(named.home, 'everything', [], [process.execPath, EVERYTHING]);
  [plainLb, namedLb] = await Promise.all([
    startHaproxy({ backends: [{ port: gatewayPort(plain) }] }),
    startHaproxy({ backends: [{ port: gatewayPort(named) }] }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([plainLb?.stop(), namedLb?.stop()]);
  await Promise.all([plain?.stop(), named?.stop()]);
});

describe.skipIf(NO_HAPROXY)('gateway.allowedHosts behind a real HAProxy', () => {
  it(`refuses Host ${NAME} with 403 without the setting, as it refuses the balancer's own address`, async () => {
    for (const host of [NAME, `127.0.0.1:${plainLb.port}`]) {
      const refused = await echoThrough(plainLb, host).catch((error: unknown) => error);
      expect(refused, `${host}\n${plainLb.output()}`).toBeInstanceOf(StreamableHTTPError);
      expect((refused as StreamableHTTPError).code).toBe(403);
      expect((refused as Error).message).toContain('gateway.allowedHosts');
    }
  });

  it(`serves an MCP session through the balancer with Host ${NAME} once gateway.allowedHosts names it`, async () => {
    expect(await echoThrough(namedLb, NAME)).toEqual([{ type: 'text', text: 'Echo: through the balancer' }]);
    // A bare name counts on any port; host:port on that port only; other names stay refused.
    expect(await echoThrough(namedLb, `${NAME}:8443`)).toHaveLength(1);
    expect(await echoThrough(namedLb, 'other.test:9')).toHaveLength(1);
    for (const host of ['other.test:10', 'other.test', 'evil.example']) {
      const refused = await echoThrough(namedLb, host).catch((error: unknown) => error);
      expect((refused as StreamableHTTPError).code, host).toBe(403);
    }
  });

  it('accepts an Origin naming an allowed host and still refuses a foreign one', async () => {
    const post = (origin: string) =>
      fetchWithHost(NAME)(`${namedLb.url}/servers/everything/mcp`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } },
        }),
      });
    const allowed = await post(`https://${NAME}`);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(`https://${NAME}`);
    await allowed.body?.cancel();
    const foreign = await post('https://evil.example');
    expect(foreign.status).toBe(403);
    await foreign.body?.cancel();
  });
});

describe('gateway.allowedHosts values', () => {
  it('config set refuses a bad entry with exit 2 naming it, and writes nothing', async () => {
    const { home, cleanup } = makeHome();
    try {
      const bad = await mcpctl(home, ['config', 'set', 'gateway.allowedHosts', `${NAME}, bad/name`]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("'bad/name' is not host[:port]");
      expect(bad.stderr).not.toContain(`'${NAME}' is not`);
      expect(existsSync(join(home, 'config.yaml'))).toBe(false);
      const ok = await mcpctl(home, ['config', 'set', 'gateway.allowedHosts', `${NAME},LB.example.test:8080`]);
      expect(ok.code, ok.stderr).toBe(0);
      const got = await mcpctl(home, ['config', 'get', 'gateway.allowedHosts']);
      expect(got.stdout.trim()).toBe(`${NAME},LB.example.test:8080`);
      const port = await mcpctl(home, ['daemon', 'run'], { env: { MCPCTL_ALLOWED_HOSTS: 'lb.example.test:70000' } });
      expect(port.code).toBe(3);
      expect(port.stderr).toContain("gateway.allowedHosts: 'lb.example.test:70000' is not host[:port]");
    } finally {
      cleanup();
    }
  });
});
