import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonStatus, ServerView } from '../../src/core/api.js';
import { FIXTURES, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { connectHttp } from '../helpers/mcpClient.js';
import { isAlive } from '../helpers/procs.js';

let h: E2eHome;
afterEach(async () => {
  await h.dispose();
});

async function runningInstance(): Promise<ServerView['instances'][number]> {
  return waitFor('the profile instance running', async () => {
    const view = await h.json<ServerView>(['server', 'show', 'rep']);
    const [instance] = view.instances;
    return instance?.state === 'running' && instance.pid !== null ? instance : undefined;
  });
}

describe('a profile instance across a daemon killed with -9', () => {
  it('comes back under the same id with its env, and leaves no orphan of the old daemon', async () => {
    h = e2eHome();
    const add = await h.run([
      'server',
      'add',
      'rep',
      '--env',
      'WHO=base',
      ...h.mark('rep'),
      '--',
      process.execPath,
      join(FIXTURES, 'envReport.mjs'),
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect((await h.run(['profile', 'create', 'p1', '--server', 'rep'])).code).toBe(0);
    const set = await h.run(['profile', 'env', 'set', 'p1', 'rep', 'WHO=one']);
    expect(set.code, set.stderr).toBe(0);
    const before = await runningInstance();
    expect(before.profiles).toEqual(['p1']);
    const oldPids = h.serverPids('rep');
    expect(oldPids).toHaveLength(2); // the server's own instance and p1's

    const daemon = (await h.json<DaemonStatus>(['daemon', 'status'])).pid;
    process.kill(daemon, 'SIGKILL');
    await waitFor('the killed daemon gone', () => (isAlive(daemon) ? undefined : true));

    const after = await runningInstance(); // the CLI starts a new daemon
    expect(after.id).toBe(before.id);
    expect(after.pid).not.toBe(before.pid);
    await waitFor('the old processes ended', () => (oldPids.some(isAlive) ? undefined : true));
    expect(h.serverPids('rep')).toHaveLength(2);

    const status = await h.json<DaemonStatus>(['daemon', 'status']);
    const session = await connectHttp(
      `${status.gateway?.url}/profiles/p1/mcp`,
      new Client({ name: 'e2e', version: '0.0.0' }),
    );
    const result = (await session.client.callTool({ name: 'rep__env', arguments: { name: 'WHO' } })) as {
      content: Array<{ text: string }>;
    };
    expect(JSON.parse(result.content[0]?.text ?? '{}')).toEqual({ pid: after.pid, value: 'one' });
    await session.close();
  }, 60_000);
});
