import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { connectHttp } from '../helpers/mcpClient.js';
import { addServer, type ProfileDaemon, startProfileDaemon } from '../helpers/profileDaemon.js';

let daemon: ProfileDaemon;

beforeAll(async () => {
  daemon = await startProfileDaemon();
}, 30_000);
afterAll(async () => {
  await daemon?.stop();
});

interface Shown {
  state: string;
  pid: number | null;
  restarts: number;
  policy: { maxMemoryBytes: number };
  events: { type: string; message: string }[];
}

describe('--max-memory', () => {
  it('restarts a server whose process tree holds more than its limit, with an event saying so', async () => {
    await addServer(
      daemon.home,
      'hog',
      ['--max-memory', '150M', '--health-interval', '200ms', '--restart', 'always', '--backoff-initial', '50ms'],
      [process.execPath, join(FIXTURES, 'memoryHog.mjs')],
    );
    const before = await mcpctlJson<Shown>(daemon.home, ['server', 'show', 'hog']);
    expect(before.policy.maxMemoryBytes).toBe(150 * 1024 * 1024);
    const session = await connectHttp(daemon.endpoint('hog'), new Client({ name: 'hog-test', version: '1.0.0' }));
    try {
      await session.client.callTool({ name: 'hog', arguments: { mb: 200 } });
    } finally {
      await session.close().catch(() => undefined);
    }
    const after = await waitFor('the hog to be restarted for its memory', async () => {
      const shown = await mcpctlJson<Shown>(daemon.home, ['server', 'show', 'hog']);
      return shown.state === 'running' && shown.restarts >= 1 && shown.pid !== before.pid ? shown : undefined;
    });
    const event = after.events.find((e) => e.type === 'memory-exceeded');
    expect(event?.message).toMatch(
      /^hog exceeded its memory limit: its processes used \d+ MiB of memory, over its limit of 150 MiB/,
    );
    // `server set --max-memory 0` lifts the limit.
    expect((await mcpctl(daemon.home, ['server', 'set', 'hog', '--max-memory', '0'])).code).toBe(0);
    expect((await mcpctlJson<Shown>(daemon.home, ['server', 'show', 'hog'])).policy.maxMemoryBytes).toBe(0);
  }, 40_000);

  it('holds each process of an isolated pool to it: the one over it ends with its session, the others go on', async () => {
    await addServer(
      daemon.home,
      'pool-hog',
      ['--share', 'isolated', '--pool', '1', '--max-memory', '150M', '--health-interval', '200ms'],
      [process.execPath, join(FIXTURES, 'memoryHog.mjs')],
    );
    const open = async () => {
      const transport = new StreamableHTTPClientTransport(new URL(daemon.endpoint('pool-hog')));
      const client = new Client({ name: 'pool-hog-test', version: '1.0.0' });
      await client.connect(transport);
      return { client, transport, id: transport.sessionId as string };
    };
    const [greedy, modest] = [await open(), await open()];
    try {
      const pool = await mcpctlJson<{ processes: Array<{ pid: number; sessionId: string | null }> }>(daemon.home, [
        'server',
        'show',
        'pool-hog',
      ]);
      const greedyPid = pool.processes.find((p) => p.sessionId === greedy.id)?.pid;
      expect(greedyPid).toBeGreaterThan(0);
      // The health check may end the process before its answer is out: either way is fine here.
      await greedy.client.callTool({ name: 'hog', arguments: { mb: 200 } }).catch(() => undefined);
      const shown = await waitFor('a memory-exceeded event naming the greedy session', async () => {
        const view = await mcpctlJson<Shown>(daemon.home, ['server', 'show', 'pool-hog']);
        return view.events.some((e) => e.type === 'memory-exceeded') ? view : undefined;
      });
      const event = shown.events.find((e) => e.type === 'memory-exceeded');
      expect(event?.message).toMatch(
        new RegExp(
          `^pool-hog exceeded its memory limit in the process of session ${greedy.id} \\(pid ${greedyPid}\\): it used \\d+ MiB of memory, over its limit of 150 MiB \\(--max-memory\\); ended it and its session`,
        ),
      );
      const session = await mcpctlJson<{ state: string; closeReason: string | null }>(daemon.home, [
        'session',
        'show',
        greedy.id,
      ]);
      expect(session.state).toBe('closed');
      expect(session.closeReason).toContain('over the limit of 150 MiB (--max-memory)');
      await expect(greedy.client.callTool({ name: 'hog', arguments: { mb: 1 } })).rejects.toThrow();
      // The server runs on, unrestarted, and so does the other session, on its own process.
      expect(shown).toMatchObject({ state: 'running', restarts: 0 });
      const other = await modest.client.callTool({ name: 'hog', arguments: { mb: 1 } });
      expect(JSON.stringify(other.content)).not.toContain(`pid ${greedyPid}`);
    } finally {
      for (const { client, transport } of [greedy, modest]) {
        await transport.terminateSession().catch(() => undefined);
        await client.close().catch(() => undefined);
      }
    }
  }, 40_000);

  it('takes sizes with a unit and refuses others with exit 2', async () => {
    const bad = await mcpctl(daemon.home, ['server', 'add', 'tiny', '--max-memory', '12', '--', 'node', 'x.js']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid --max-memory '12'");
  });
});

describe('http upstreams at private addresses', () => {
  it('are refused with a message naming the address and the way to allow it (exit 4)', async () => {
    for (const url of [
      'http://10.20.30.40/mcp',
      'http://169.254.169.254/mcp',
      'http://[::ffff:192.168.0.9]:8080/mcp',
    ]) {
      const refused = await mcpctl(daemon.home, ['server', 'add', 'intranet', '--url', url, '--no-autostart']);
      expect(refused.code, url).toBe(4);
      expect(refused.stderr).toContain(`${url} is a private, link-local or metadata address`);
      expect(refused.stderr).toContain('--allow-private');
    }
  });

  it('are accepted with --allow-private, and refused again by server set --no-allow-private', async () => {
    const url = 'http://10.20.30.40/mcp';
    const allowed = await mcpctl(daemon.home, [
      'server',
      'add',
      'intranet',
      '--url',
      url,
      '--allow-private',
      '--no-autostart',
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
    const reset = await mcpctl(daemon.home, ['server', 'set', 'intranet', '--no-allow-private']);
    expect(reset.code).toBe(4);
    expect(reset.stderr).toContain('private, link-local or metadata address');
  });
});
