import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerSpecInput } from '../../src/core/servers/definition.js';
import { FIXTURES, waitFor } from '../helpers/cli.js';
import { isAlive } from '../helpers/procs.js';
import { fastPolicy, spec, useSupervisorHome } from '../helpers/supervisor.js';

const home = useSupervisorHome();

function spawnCount(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).length : 0;
}

function fixture(name: string, file: string, input: Partial<ServerSpecInput> & { env?: Record<string, string> }) {
  return spec({
    name,
    transport: 'stdio',
    command: process.execPath,
    args: [join(FIXTURES, file)],
    ...input,
  } as ServerSpecInput);
}

describe('health failures are failures', () => {
  it('restarts a server killed for failed health checks under on-failure, though it exits 0 on SIGTERM', async () => {
    const entry = await home.supervisor.add(
      fixture('hang', 'hang.mjs', {
        env: { HANG_AFTER_PINGS: '1', HANG_TERM_EXIT: '0' },
        policy: fastPolicy({ restart: 'on-failure' }),
      }),
    );
    expect(entry.instance.state).toBe('running');
    const firstPid = entry.instance.runner?.pid as number;
    await waitFor('hang running again under a new pid', () =>
      entry.instance.state === 'running' && entry.instance.runner?.pid !== firstPid ? true : undefined,
    );
    expect(isAlive(firstPid)).toBe(false);
    expect(entry.instance.restarts).toBeGreaterThanOrEqual(1);
    // It did exit 0: the code is kept, the restart policy counted it as a failure all the same.
    const events = await home.store.events.list({ server: 'hang', limit: 50 });
    const types = events.map((event) => event.type);
    expect(types).toContain('unhealthy');
    expect(events.find((event) => event.type === 'backoff')?.message).toMatch(
      /^hang: 2 health checks in a row failed; restarting in \d+ ms$/,
    );
    expect(events.some((event) => event.message.includes('leaves it down'))).toBe(false);
  });

  it('retries a server that hangs on start (no initialize answer), though it exits 0 on SIGTERM', async () => {
    const spawnLog = join(home.dir, 'spawns.log');
    const entry = await home.supervisor.add(
      fixture('stuck', 'hang.mjs', {
        env: { HANG_ON_INITIALIZE: '1', HANG_TERM_EXIT: '0', SPAWN_LOG: spawnLog },
        policy: fastPolicy({ startTimeoutMs: 200, maxRestarts: 1 }),
      }),
    );
    await waitFor('stuck failed', () => (entry.instance.state === 'failed' ? true : undefined));
    expect(spawnCount(spawnLog)).toBe(2);
    expect(entry.instance.lastError).toMatch(/^initialize failed: /);
  });

  it('retries a server that exits 0 before it ever answered initialize', async () => {
    const entry = await home.supervisor.add(
      spec({
        name: 'quits',
        transport: 'stdio',
        command: process.execPath,
        args: ['-e', '0'],
        policy: fastPolicy({ maxRestarts: 2 }),
      }),
    );
    await waitFor('quits failed', () => (entry.instance.state === 'failed' ? true : undefined));
    expect(entry.instance.restarts).toBe(2);
    expect(entry.instance.lastExitCode).toBe(0);
    expect(entry.instance.lastError).toMatch(/the server (exited with code 0|closed)/);
  });
});

describe('restart accounting across stable runs and daemon restarts', () => {
  it('F2: resets the backoff after a stable run (stable-after 400ms): every crash waits the initial delay again', async () => {
    const spawnLog = join(home.dir, 'spawns.log');
    await home.supervisor.add(
      fixture('unstable', 'unstable.mjs', {
        env: { EXIT_AFTER_MS: '600', SPAWN_LOG: spawnLog },
        policy: fastPolicy({ stableAfterMs: 400, maxRestarts: 10 }),
      }),
    );
    await waitFor('four crashes', () => (spawnCount(spawnLog) >= 4 ? true : undefined), 20_000);
    const events = await home.store.events.list({ server: 'unstable', limit: 50 });
    const delays = events.filter((event) => event.type === 'backoff').map((event) => event.data?.delayMs);
    // Without the reset they would double: 100, 200, 400.
    expect(delays.slice(0, 3)).toEqual([100, 100, 100]);
  });

  it('keeps a failed server failed after a daemon restart, its restart count unchanged, until it is started', async () => {
    const spawnLog = join(home.dir, 'spawns.log');
    const entry = await home.supervisor.add(
      fixture('crash', 'crash.mjs', { env: { SPAWN_LOG: spawnLog }, policy: fastPolicy({ maxRestarts: 2 }) }),
    );
    await waitFor('crash failed', () => (entry.instance.state === 'failed' ? true : undefined), 20_000);
    expect(spawnCount(spawnLog)).toBe(3);

    await home.restart();
    const again = home.supervisor.get('crash').instance;
    expect(again.state).toBe('failed');
    expect(again.restarts).toBe(2);
    expect(spawnCount(spawnLog)).toBe(3);
    expect(await home.store.instances.get('crash')).toMatchObject({ state: 'failed', restarts: 2 });

    await home.restart();
    expect(home.supervisor.get('crash').instance.state).toBe('failed');
    expect(spawnCount(spawnLog)).toBe(3);

    await home.supervisor.start({ names: ['crash'], all: false });
    expect(spawnCount(spawnLog)).toBeGreaterThan(3);
  });
});

describe('what a stop and a remove leave behind', () => {
  it("reports no exit after the user's own stop (not the SIGTERM that ended it)", async () => {
    const entry = await home.supervisor.add(fixture('sticky', 'sticky.mjs', { policy: fastPolicy() }));
    expect(entry.instance.state).toBe('running');
    await home.supervisor.stop({ names: ['sticky'], all: false });
    expect(entry.instance).toMatchObject({ state: 'stopped', lastExitCode: null, lastExitSignal: null });
    expect(await home.store.instances.get('sticky')).toMatchObject({ lastExitCode: null, lastExitSignal: null });
  });

  it("starts a re-added name with a fresh log and none of the removed server's events", async () => {
    await home.supervisor.add(fixture('reused', 'sticky.mjs', { policy: fastPolicy() }));
    const logFile = join(home.dir, 'logs', 'reused.log');
    expect(readFileSync(logFile, 'utf8')).toContain('reused is running');
    await home.supervisor.remove('reused');
    expect(existsSync(logFile)).toBe(false);

    await home.supervisor.add(fixture('reused', 'sticky.mjs', { autostart: false, policy: fastPolicy() }));
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    expect(log).not.toContain('reused is running');
    const events = await home.store.events.list({ server: 'reused', limit: 50 });
    expect(events.map((event) => event.type)).toEqual(['added']);
  });
});

describe('adding the same definition twice', () => {
  it('answers the second add with alreadyExisted and the same process; a different definition is refused', async () => {
    const definition = fixture('twice', 'sticky.mjs', { env: { A: '1', B: '2' }, policy: fastPolicy() });
    const first = await home.supervisor.add(definition);
    expect(first.alreadyExisted).toBe(false);
    const pid = first.instance.runner?.pid;
    const reordered = fixture('twice', 'sticky.mjs', { env: { B: '2', A: '1' }, policy: fastPolicy() });
    const second = await home.supervisor.add(reordered);
    expect(second.alreadyExisted).toBe(true);
    expect(second.instance.runner?.pid).toBe(pid);

    const other = fixture('twice', 'sticky.mjs', { env: { A: '2' }, policy: fastPolicy() });
    await expect(home.supervisor.add(other)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });
});
