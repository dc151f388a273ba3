import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerDetail } from '../../src/core/api.js';
import { FIXTURES, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { isAlive } from '../helpers/procs.js';

let h: E2eHome;
afterEach(async () => {
  await h.dispose();
});

/** Each line of a SPAWN_LOG starts with the spawn time in ms. */
function spawnTimes(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(line.split(' ')[0]));
}

describe('restart policy and health checks through the built binary', () => {
  it('backs a crashing server off with growing delays, marks it failed, and tries again on start', async () => {
    h = e2eHome();
    const spawnLog = join(h.home, 'spawns.log');
    const add = await h.run([
      'server',
      'add',
      'crash',
      ...h.mark('crash'),
      '--env',
      `SPAWN_LOG=${spawnLog}`,
      '--backoff-initial',
      '100ms',
      '--backoff-max',
      '1s',
      '--max-restarts',
      '3',
      '--restart-window',
      '30s',
      '--',
      process.execPath,
      join(FIXTURES, 'crash.mjs'),
    ]);
    // add returns once the first attempt settled: the fixture has crashed by then, so it exits 5
    // with the error, and the server stays defined (its restart policy retries it).
    expect(add.code, add.stderr).toBe(5);
    expect(add.stdout).toMatch(/^added server crash \(backoff\)$/m);
    expect(add.stderr).toMatch(/^Error: server 'crash' was added, but did not start: \S/m);
    expect(add.stderr).toMatch(/^Hint: its restart policy tries again; see why with 'mcpctl logs crash'/m);

    const failed = await waitFor(
      'crash failed',
      async () => {
        const view = await h.json<ServerDetail>(['server', 'show', 'crash']);
        return view.state === 'failed' ? view : undefined;
      },
      20_000,
    );
    // The first spawn and 3 restarts, then it gives up.
    const spawns = spawnTimes(spawnLog);
    expect(spawns).toHaveLength(4);
    expect(failed.restarts).toBe(3);
    expect(failed.lastExitCode).toBe(1);
    const types = failed.events.map((event) => event.type);
    expect(types.at(-1)).toBe('failed');
    expect(failed.events.at(-1)?.message).toMatch(/crash failed 4 times within 30 s: gave up/);
    // The delays the daemon chose: 100, 200, 400 ms with the default ±20% jitter, so each is
    // longer than the one before; and each gap between spawns is at least its delay (the gap
    // also holds the crash and the next process start, which vary with the machine's load).
    const delays = failed.events
      .filter((event) => event.type === 'backoff')
      .map((event) => Number(/restarting in (\d+) ms/.exec(event.message)?.[1]));
    expect(delays).toHaveLength(3);
    for (const [i, base] of [100, 200, 400].entries()) {
      expect(delays[i]).toBeGreaterThanOrEqual(base * 0.8);
      expect(delays[i]).toBeLessThanOrEqual(base * 1.2);
      if (i > 0) expect(delays[i]).toBeGreaterThan(delays[i - 1] as number);
    }
    const gaps = spawns.slice(1).map((time, i) => time - (spawns[i] as number));
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(delays[i] as number);

    // The server still crashes, so the start fails (exit 5, as `systemctl start` would), but it was tried.
    const start = await h.run(['server', 'start', 'crash']);
    expect(start.code, start.stderr).toBe(5);
    expect(start.stdout).toMatch(/^crash: /m);
    expect(start.stderr).toMatch(/did not start: crash/);
    await waitFor('a new spawn after a manual start', () => (spawnTimes(spawnLog).length > 4 ? true : undefined));
  });

  it('F3: marks a hung server unhealthy and restarts it under a new pid', async () => {
    h = e2eHome();
    const add = await h.run([
      'server',
      'add',
      'hang',
      ...h.mark('hang'),
      '--env',
      'HANG_AFTER_PINGS=1',
      '--health-interval',
      '200ms',
      '--health-timeout',
      '150ms',
      '--health-retries',
      '2',
      '--backoff-initial',
      '100ms',
      '--',
      process.execPath,
      join(FIXTURES, 'hang.mjs'),
    ]);
    expect(add.code, add.stderr).toBe(0);
    // Its health checks fail within half a second: under load the first look may already find it
    // unhealthy or restarted, so the first pid is read from its first 'running' event.
    const first = await h.json<ServerDetail>(['server', 'show', 'hang']);
    const started = first.events.find((event) => event.type === 'running');
    const firstPid = Number(/pid (\d+)/.exec(started?.message ?? '')?.[1]);
    expect(firstPid, JSON.stringify(first.events)).toBeGreaterThan(0);

    const restarted = await waitFor('hang running under a new pid', async () => {
      const view = await h.json<ServerDetail>(['server', 'show', 'hang']);
      return view.state === 'running' && view.pid !== null && view.pid !== firstPid ? view : undefined;
    });
    const unhealthy = restarted.events.find((event) => event.type === 'unhealthy');
    expect(unhealthy?.message).toMatch(/hang is unhealthy: 2 health checks in a row failed/);
    expect(restarted.restarts).toBeGreaterThanOrEqual(1);
    expect(isAlive(firstPid)).toBe(false);
    expect(h.serverPids('hang')).not.toContain(firstPid);
  });
});
