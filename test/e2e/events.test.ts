import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventItem } from '../../src/core/api.js';
import { FIXTURES, mcpctl, mcpctlJson } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { follow } from '../helpers/follow.js';
import { connectHttp } from '../helpers/mcpClient.js';

let daemon: TestDaemon;
beforeAll(async () => {
  daemon = await startTestDaemon();
});
afterAll(async () => {
  await daemon.stop();
});

const FAST = ['--backoff-initial', '50ms', '--backoff-max', '50ms', '--health-interval', '1m'];
const types = (lines: ReadonlyArray<{ value: EventItem }>): string[] => lines.map((line) => line.value.type);

describe('mcpctl events', () => {
  it('kill -9: events -f shows crashed, backoff, running in order, each within a second of happening', async () => {
    await addRunningServer(daemon.home, 'victim', FAST, [process.execPath, join(FIXTURES, 'sticky.mjs')]);
    const follower = follow<EventItem>(daemon.home, ['events', '-f', '--server', 'victim', '-o', 'json']);
    try {
      // The history comes first: what happened before the command started (added, starting, running).
      await follower.until('the history', (lines) => types(lines).includes('running'));
      const before = follower.lines.length;
      const { pid } = await mcpctlJson<{ pid: number }>(daemon.home, ['server', 'status', 'victim']);
      process.kill(pid, 'SIGKILL');
      const lines = await follower.until('running again', (all) => types(all.slice(before)).includes('running'));
      const after = lines.slice(before);
      expect(types(after)).toEqual(['crashed', 'backoff', 'starting', 'running']);
      expect(after[0]?.value.message).toMatch(/killed by SIGKILL/);
      for (const line of after) expect(line.at - Date.parse(line.value.time)).toBeLessThan(1000);
      // Ids only grow: no event told twice, none skipped between the history and the follow.
      const ids = lines.map((line) => line.value.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);

      // A gateway session's open and close are events too (written in batches, off the request path).
      const session = await connectHttp(
        daemon.endpoint('victim'),
        new Client({ name: 'events-test', version: '1.0.0' }),
      );
      await session.close();
      const withSession = await follower.until('the session closed', (all) => types(all).includes('session-closed'));
      const opened = withSession.find((line) => line.value.type === 'session-opened');
      expect(opened?.value).toMatchObject({ server: 'victim', data: { client: 'events-test' } });
      expect(opened?.value.message).toMatch(/^events-test opened session \S+ on victim$/);
    } finally {
      await follower.stop();
    }
  });

  it('filters by type and time, keeps a removed server’s removal, and records profile changes', async () => {
    const add = await mcpctl(daemon.home, ['server', 'add', 'short', '--no-autostart', '--', process.execPath]);
    expect(add.code, add.stderr).toBe(0);
    expect((await mcpctl(daemon.home, ['profile', 'create', 'team', '--server', 'short'])).code).toBe(0);
    expect((await mcpctl(daemon.home, ['profile', 'rm', 'team'])).code).toBe(0);
    expect((await mcpctl(daemon.home, ['rm', 'short'])).code).toBe(0);
    const listed = await mcpctl(daemon.home, ['events', '--server', 'short', '-o', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    const events = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as EventItem);
    expect(events.map((event) => event.type)).toEqual(['removed']);
    expect(events[0]).toMatchObject({ server: null, data: { server: 'short' }, message: 'short removed' });
    const profiles = await mcpctl(daemon.home, ['events', '--type', 'profile-added,profile-removed', '--since', '1m']);
    expect(profiles.stdout).toMatch(/profile-added .*profile team added\n.*profile-removed .*profile team removed\n$/);
    const bad = await mcpctl(daemon.home, ['events', '--type', 'exploded']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no such event type/);
  });
});
