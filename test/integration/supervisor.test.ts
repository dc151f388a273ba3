import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVERYTHING, FIXTURES, waitFor } from '../helpers/cli.js';
import { isAlive } from '../helpers/procs.js';
import { fastPolicy, spec, useSupervisorHome } from '../helpers/supervisor.js';

const home = useSupervisorHome();

describe('supervisor with real processes', () => {
  it('reports server-everything running only after a real initialize, and restarts it after kill -9', async () => {
    const entry = await home.supervisor.add(
      spec({
        name: 'everything',
        transport: 'stdio',
        command: process.execPath,
        args: [EVERYTHING, 'stdio'],
        policy: fastPolicy(),
      }),
    );
    expect(entry.instance.state).toBe('running');
    const firstPid = entry.instance.runner?.pid;
    expect(firstPid).toBeGreaterThan(0);
    await entry.instance.runner?.ping(2000);

    process.kill(firstPid as number, 'SIGKILL');
    await waitFor('a new running process', () =>
      entry.instance.state === 'running' && entry.instance.runner?.pid !== firstPid ? true : undefined,
    );
    expect(entry.instance.restarts).toBe(1);
    expect(entry.instance.lastExitSignal).toBe('SIGKILL');
    const exited = (await home.store.events.list({ server: 'everything', limit: 20 })).find(
      (e) => e.type === 'backoff',
    );
    expect(exited?.message).toMatch(/^everything: the server was killed by SIGKILL; restarting in \d+ ms$/);
    expect(isAlive(firstPid as number)).toBe(false);
    const row = await home.store.instances.get('everything');
    expect(row).toMatchObject({ state: 'running', restarts: 1, pid: entry.instance.runner?.pid });
  });

  it('F1: a crash loop backs off with growing delays, ends in failed with no spawn after, and a manual start tries again', async () => {
    const spawnLog = join(home.dir, 'spawns.log');
    const entry = await home.supervisor.add(
      spec({
        name: 'crash',
        transport: 'stdio',
        command: process.execPath,
        args: [join(FIXTURES, 'crash.mjs')],
        env: { SPAWN_LOG: spawnLog },
        policy: fastPolicy({ maxRestarts: 4 }),
      }),
    );
    await waitFor('failed', () => (entry.instance.state === 'failed' ? true : undefined), 20_000);
    const spawns = readFileSync(spawnLog, 'utf8').trim().split('\n').map(Number);
    expect(spawns).toHaveLength(5);
    const gaps = spawns.slice(1).map((time, i) => time - (spawns[i] as number));
    // The policy's delays (jitter 0) are exactly 100, 200, 400, 800 ms, and each real gap between spawns is at least its delay.
    const events = await home.store.events.list({ server: 'crash', limit: 50 });
    const delays = events.filter((event) => event.type === 'backoff').map((event) => event.data?.delayMs);
    expect(delays).toEqual([100, 200, 400, 800]);
    for (const [i, delay] of [100, 200, 400, 800].entries()) expect(gaps[i]).toBeGreaterThanOrEqual(delay);
    expect(events.at(-1)).toMatchObject({ type: 'failed' });
    // Given up: no restart is due, and none comes.
    expect(entry.instance.nextRestartAt).toBeUndefined();
    expect(readFileSync(spawnLog, 'utf8').trim().split('\n')).toHaveLength(5);

    await home.supervisor.start({ names: ['crash'], all: false });
    await waitFor('another spawn', () =>
      readFileSync(spawnLog, 'utf8').trim().split('\n').length > 5 ? true : undefined,
    );
  });

  it('F3: restarts a server that stops answering health checks (3 failed pings: unhealthy, then a restart)', async () => {
    const spawnLog = join(home.dir, 'hang-spawns.log');
    const entry = await home.supervisor.add(
      spec({
        name: 'hang',
        transport: 'stdio',
        command: process.execPath,
        args: [join(FIXTURES, 'hang.mjs')],
        env: { SPAWN_LOG: spawnLog, HANG_AFTER_PINGS: '1' },
        policy: fastPolicy(),
      }),
    );
    const firstPid = entry.instance.runner?.pid;
    await waitFor('an unhealthy event and a new process', async () => {
      const events = await home.store.events.list({ server: 'hang', limit: 50 });
      const unhealthy = events.some((event) => event.type === 'unhealthy');
      return unhealthy && entry.instance.state === 'running' && entry.instance.runner?.pid !== firstPid
        ? true
        : undefined;
    });
    expect(isAlive(firstPid as number)).toBe(false);
    expect(entry.instance.restarts).toBeGreaterThanOrEqual(1);
  });

  it('stops the whole process group and records the stop', async () => {
    const entry = await home.supervisor.add(
      spec({
        name: 'everything',
        transport: 'stdio',
        command: process.execPath,
        args: [EVERYTHING, 'stdio'],
        policy: fastPolicy(),
      }),
    );
    const pid = entry.instance.runner?.pid as number;
    await home.supervisor.stop({ names: ['everything'], all: false });
    expect(entry.instance.state).toBe('stopped');
    expect(isAlive(pid)).toBe(false);
    expect(await home.store.instances.get('everything')).toMatchObject({
      state: 'stopped',
      desired: 'stopped',
      pid: null,
    });
  });
});
