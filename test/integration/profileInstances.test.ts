import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileDetail, ServerView } from '../../src/core/api.js';
import { FIXTURES, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { connectHttp, type HttpSession } from '../helpers/mcpClient.js';
import { addServer, type ProfileDaemon, startProfileDaemon } from '../helpers/profileDaemon.js';

/**
 * Per-profile instances, end to end on the real daemon: env-report (a fixture answering its env
 * and pid through a tool) under profiles with different member env.
 */
let daemon: ProfileDaemon;
const sessions: HttpSession[] = [];

beforeAll(async () => {
  daemon = await startProfileDaemon();
  await addServer(
    daemon.home,
    'rep',
    ['--env', 'WHO=base', '--stop-grace', '500ms'],
    [process.execPath, join(FIXTURES, 'envReport.mjs')],
  );
  await daemon.profiles.put({ name: 'p1', members: [{ server: 'rep', env: { WHO: 'one' } }] });
  await daemon.profiles.put({ name: 'p2', members: [{ server: 'rep', env: { WHO: 'two' } }] });
  await daemon.profiles.put({ name: 'p3', members: [{ server: 'rep', env: { WHO: 'one' } }] });
  // The server's own env given again is the server's own configuration: its instance.
  await daemon.profiles.put({ name: 'same', members: [{ server: 'rep', env: { WHO: 'base' } }] });
}, 60_000);

afterAll(async () => {
  await Promise.all(sessions.map((session) => session.close().catch(() => undefined)));
  await daemon?.stop();
});

async function open(url: string): Promise<Client> {
  const session = await connectHttp(url, new Client({ name: 'instances-test', version: '0.0.0' }));
  sessions.push(session);
  return session.client;
}

async function report(client: Client, tool = 'rep__env'): Promise<{ pid: number; value: string | null }> {
  const result = (await client.callTool({ name: tool, arguments: { name: 'WHO' } })) as {
    content: Array<{ text: string }>;
    isError?: boolean;
  };
  if (result.isError) throw new Error(`the call failed: ${JSON.stringify(result.content)}`);
  return JSON.parse((result.content[0] as { text: string }).text) as { pid: number; value: string | null };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function serverView(): Promise<ServerView> {
  return mcpctlJson<ServerView>(daemon.home, ['server', 'show', 'rep']);
}

describe('the same server under profiles with different member env', () => {
  let p1: Client;
  let p2: Client;
  let p3: Client;

  it('runs one instance per effective configuration: p1 and p3 share one, p2 has its own, `same` the server’s', async () => {
    p1 = await open(daemon.profileEndpoint('p1'));
    p2 = await open(daemon.profileEndpoint('p2'));
    p3 = await open(daemon.profileEndpoint('p3'));
    const own = await open(daemon.endpoint('rep'));
    const same = await open(daemon.profileEndpoint('same'));
    const [one, two, three, base, sameBase] = await Promise.all([
      report(p1),
      report(p2),
      report(p3),
      report(own, 'env'),
      report(same),
    ]);
    expect(one.value).toBe('one');
    expect(two.value).toBe('two');
    expect(three).toEqual(one);
    expect(base.value).toBe('base');
    expect(sameBase).toEqual(base);
    expect(new Set([one.pid, two.pid, base.pid]).size).toBe(3);

    // Visible: which profiles each instance serves, in -o json, `server show` and `ls`.
    const view = await serverView();
    expect(view.profiles).toEqual(['same']);
    expect(view.instances.map((i) => [i.profiles, i.env, i.pid]).sort()).toEqual(
      [
        [['p1', 'p3'], { WHO: 'one' }, one.pid],
        [['p2'], { WHO: 'two' }, two.pid],
      ].sort(),
    );
    expect(view.instances.every((i) => /^rep@[0-9a-f]{10}$/.test(i.id))).toBe(true);
    const ls = await mcpctl(daemon.home, ['ls']);
    expect(ls.stdout).toMatch(/^rep \(profiles p1, p3\)\s+stdio\s+running\s+\d+/m);
    expect(ls.stdout).toMatch(/^rep \(profile p2\)\s+stdio\s+running\s+\d+/m);
    const show = await mcpctl(daemon.home, ['server', 'show', 'rep']);
    expect(show.stdout).toMatch(/Profiles:\s+same/);
    expect(show.stdout).toMatch(/rep@[0-9a-f]{10}\s+p1, p3\s+running/);
    const profile = await mcpctlJson<ProfileDetail>(daemon.home, ['profile', 'show', 'p1']);
    expect(profile.members[0]).toMatchObject({ server: 'rep', state: 'running' });
    expect(profile.members[0]?.instance).toBe(view.instances.find((i) => i.profiles.includes('p1'))?.id);

    // Its lines are in the server's log (its stderr tagged `stderr@HASH`), its events name it.
    const logs = await mcpctl(daemon.home, ['logs', 'rep']);
    expect(logs.stdout).toContain(`${profile.members[0]?.instance} is running (pid ${one.pid})`);
  }, 30_000);

  it("changing p1's env rolls it to a new instance, leaving p2's session untouched (no failed call) and p3 on the old one", async () => {
    const before = await report(p1);
    const second = await report(p2);
    let calls = 0;
    const failures: string[] = [];
    const pids = new Set<number>();
    let looping = true;
    const loop = (async () => {
      while (looping) {
        try {
          const answer = await report(p2);
          pids.add(answer.pid);
          if (answer.value !== 'two') failures.push(`p2 saw ${answer.value}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
        calls++;
      }
    })();

    const set = await mcpctl(daemon.home, ['profile', 'env', 'set', 'p1', 'rep', 'WHO=uno']);
    expect(set.code, set.stderr).toBe(0);
    const after = await report(p1);
    expect(after.value).toBe('uno');
    expect(after.pid).not.toBe(before.pid);
    // p3 still needs the old configuration: its instance stays.
    expect(await report(p3)).toEqual(before);

    // p3 takes p1's env: it shares p1's new instance, and the old one, needed by no profile, is gone.
    const moved = await mcpctl(daemon.home, ['profile', 'env', 'set', 'p3', 'rep', 'WHO=uno']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(await report(p3)).toEqual(after);
    await waitFor('the old instance to end', async () => (alive(before.pid) ? undefined : true));
    const view = await serverView();
    expect(view.instances.map((i) => i.profiles).sort()).toEqual([['p1', 'p3'], ['p2']]);

    looping = false;
    await loop;
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(10);
    expect([...pids]).toEqual([second.pid]);
  }, 30_000);

  it('an instance no profile needs any more is stopped and removed', async () => {
    const two = await report(p2);
    const removed = await mcpctl(daemon.home, ['profile', 'rm', 'p2']);
    expect(removed.code, removed.stderr).toBe(0);
    await waitFor('p2’s instance to end', async () => (alive(two.pid) ? undefined : true));
    const view = await serverView();
    expect(view.instances.map((i) => i.profiles)).toEqual([['p1', 'p3']]);
  }, 20_000);

  it('an env whose instance does not come up refuses the change (exit 5): the member keeps its instance', async () => {
    const before = await report(p1);
    // Node refuses to start with an unknown option: the new instance never answers initialize.
    const set = await mcpctl(daemon.home, ['profile', 'env', 'set', 'p1', 'rep', 'NODE_OPTIONS=--no-such-option']);
    expect(set.code, set.stdout).toBe(5);
    expect(set.stderr).toMatch(/rep@[0-9a-f]{10} did not come up/);
    expect(await report(p1)).toEqual(before);
    const profile = await mcpctlJson<ProfileDetail>(daemon.home, ['profile', 'show', 'p1']);
    expect(profile.members[0]?.env).toEqual({ WHO: 'uno' });
    const view = await serverView();
    expect(view.instances.map((i) => i.profiles)).toEqual([['p1', 'p3']]);
  }, 20_000);

  it("an edit of the server's env moves its profile instances to the new effective configuration", async () => {
    const before = await report(p1);
    const oldId = (await serverView()).instances[0]?.id;
    const set = await mcpctl(daemon.home, ['server', 'set', 'rep', '--env', 'EXTRA=1']);
    expect(set.code, set.stderr).toBe(0);
    const after = await report(p1); // the same session, re-routed
    expect(after.value).toBe('uno');
    expect(after.pid).not.toBe(before.pid);
    const view = await serverView();
    expect(view.instances).toHaveLength(1);
    expect(view.instances[0]?.id).not.toBe(oldId);
    expect(view.instances[0]?.pid).toBe(after.pid);
    await waitFor('the old instance to end', async () => (alive(before.pid) ? undefined : true));
  }, 20_000);
});
