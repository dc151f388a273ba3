import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { findProcesses } from '../helpers/procs.js';

let daemon: TestDaemon;
let marker: string;

beforeAll(async () => {
  daemon = await startTestDaemon();
  marker = `--isolated-marker=${daemon.home}`;
  const added = await mcpctl(daemon.home, [
    'server',
    'add',
    'solo',
    '--share',
    'isolated',
    '--pool',
    '2',
    '--max-sessions',
    '3',
    '--',
    process.execPath,
    EVERYTHING,
    'stdio',
    marker,
  ]);
  expect(added.code, added.stderr).toBe(0);
});

afterAll(async () => {
  await daemon?.stop();
});

async function open(name: string) {
  const transport = new StreamableHTTPClientTransport(new URL(daemon.endpoint('solo')));
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

const processes = () => findProcesses(EVERYTHING, marker);

describe('--share isolated', () => {
  it('keeps a warm pool, gives each session a process of its own, ends it with the session, and caps sessions', async () => {
    const shown = await mcpctlJson<{ sharing: unknown }>(daemon.home, ['server', 'show', 'solo']);
    expect(shown.sharing).toEqual({ mode: 'isolated', pool: 2, maxSessions: 3 });
    await waitFor('two warm processes', () => (processes().length === 2 ? true : undefined));
    const sessions = await Promise.all([open('a'), open('b'), open('c')]);
    for (const { client } of sessions) {
      const result = (await client.callTool({ name: 'echo', arguments: { message: 'mine' } })) as {
        content: Array<{ text: string }>;
      };
      expect(result.content[0]?.text).toBe('Echo: mine');
    }
    // three sessions, each on its own process, plus a pool refilled to two warm ones
    await waitFor('3 leased + 2 warm processes', () => (processes().length === 5 ? true : undefined));

    const fourth = new Client({ name: 'd', version: '1.0.0' });
    await expect(fourth.connect(new StreamableHTTPClientTransport(new URL(daemon.endpoint('solo'))))).rejects.toThrow(
      /max-sessions|isolated sessions/,
    );

    const [first] = sessions;
    await first?.transport.terminateSession();
    await first?.client.close();
    await waitFor('the ended session’s process to be gone', () => (processes().length === 4 ? true : undefined));
    for (const { client, transport } of sessions.slice(1)) {
      await transport.terminateSession();
      await client.close();
    }
    await waitFor('only the warm pool left', () => (processes().length === 2 ? true : undefined));
  });
});
