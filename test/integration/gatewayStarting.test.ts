import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, FIXTURES, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

// Clients often start together with the daemon (at login, or an AI client spawning `mcpctl connect`
// that autostarts it): a session opened while its server is still coming up waits for it.
let daemon: TestDaemon;

beforeAll(async () => {
  daemon = await startTestDaemon();
  const slow = [
    '--env',
    'SLOW_START_MS=1500',
    '--',
    process.execPath,
    `${FIXTURES}/slowStart.mjs`,
    EVERYTHING,
    'stdio',
  ];
  const added = await mcpctl(daemon.home, ['server', 'add', 'slow', ...slow]);
  expect(added.code, added.stderr).toBe(0);
  const doomed = ['--no-autostart', '--restart', 'never', '--env', 'CRASH_AFTER_MS=1000'];
  const addedDoomed = await mcpctl(daemon.home, [
    'server',
    'add',
    'doomed',
    ...doomed,
    '--',
    process.execPath,
    `${FIXTURES}/crash.mjs`,
  ]);
  expect(addedDoomed.code, addedDoomed.stderr).toBe(0);
});

afterAll(async () => {
  await daemon?.stop();
});

const stateOf = async (name: string) =>
  (await mcpctlJson<{ state: string }>(daemon.home, ['server', 'show', name])).state;

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'early-bird', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

describe('a session opened while its server is starting', () => {
  it('waits for the server and then works, right after a daemon restart', async () => {
    expect((await mcpctl(daemon.home, ['daemon', 'stop'])).code).toBe(0);
    const started = await mcpctlJson<{ gateway: { url: string } }>(daemon.home, ['daemon', 'start']);
    expect(await stateOf('slow')).toBe('starting');
    const client = await connect(`${started.gateway.url}/servers/slow/mcp`);
    expect(await stateOf('slow')).toBe('running');
    const result = (await client.callTool({ name: 'echo', arguments: { message: 'worth the wait' } })) as {
      content: Array<{ text: string }>;
    };
    expect(result.content[0]?.text).toBe('Echo: worth the wait');
    await client.close();
  });

  it('gets a clear error, not a hang, when the server fails instead', async () => {
    // The first test restarted the daemon on another free port: `daemon start` says where it is now.
    const { gateway } = await mcpctlJson<{ gateway: { url: string } }>(daemon.home, ['daemon', 'start']);
    const starting = mcpctl(daemon.home, ['server', 'start', 'doomed']);
    await waitFor('doomed to be starting', async () => ((await stateOf('doomed')) === 'starting' ? true : undefined));
    const began = Date.now();
    await expect(connect(`${gateway.url}/servers/doomed/mcp`)).rejects.toThrow(/doomed.*stopped before it was running/);
    expect(Date.now() - began).toBeLessThan(10_000);
    expect((await starting).code).toBe(5);
  });
});
