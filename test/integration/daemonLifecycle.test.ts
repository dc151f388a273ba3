import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDaemon } from '../../src/core/daemonClient.js';
import { isDaemonAnswering, startDaemon, stopDaemon } from '../../src/core/daemonLifecycle.js';
import { isProcessAlive } from '../../src/daemon/process/procfs.js';
import { readPidFile } from '../../src/daemon/service/pidLock.js';
import { type Paths, resolvePaths } from '../../src/shared/paths.js';
import { waitFor } from '../helpers/cli.js';
import { findProcessesByEnv } from '../helpers/e2e.js';

/** The built binary (test/globalSetup.ts builds it), started the way the CLI starts itself. */
const self = { execPath: process.execPath, args: [resolve('dist/mcpctl.js')] };

let homes: Array<{ dir: string; paths: Paths }> = [];
afterEach(async () => {
  for (const { dir, paths } of homes) {
    await stopDaemon({ paths }).catch(() => undefined);
    // A stop that failed (or a test that failed half-way) must not leave a daemon behind.
    const left = readPidFile(paths.pidFile);
    if (left && isProcessAlive(left.pid, left.startTime)) process.kill(left.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  homes = [];
});

/** `daemon run` processes whose MCPCTL_HOME is this home's. */
const daemonsOf = (paths: Paths): number[] =>
  findProcessesByEnv((entry) => entry === `MCPCTL_HOME=${paths.stateDir}`, 'daemon', 'run');

function newHome(): { paths: Paths; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'mc-'));
  const env = { ...process.env, MCPCTL_HOME: dir, MCPCTL_GATEWAY_PORT: '0' };
  const paths = resolvePaths(env);
  homes.push({ dir, paths });
  return { paths, env };
}

describe('the real daemon, started and stopped in the background', () => {
  it('starts, holds the pid file and a 0600 socket, answers the control API, stops', async () => {
    const { paths, env } = newHome();
    const started = await startDaemon({ paths, self, env });
    expect(started.alreadyRunning).toBe(false);
    expect(readPidFile(paths.pidFile)?.pid).toBe(started.pid);
    expect(lstatSync(paths.socket).mode & 0o777).toBe(0o600);
    expect(lstatSync(paths.runtimeDir).mode & 0o777).toBe(0o700);

    const api = await connectDaemon({ paths, self, env, autostart: false, notify: () => {} });
    expect((await api.daemonStatus({})).pid).toBe(started.pid);

    expect(await stopDaemon({ paths })).toEqual({ pid: started.pid });
    expect(isProcessAlive(started.pid)).toBe(false);
    expect(readPidFile(paths.pidFile)).toBeUndefined();
  });

  it('runs one daemon when two starts race', async () => {
    const { paths, env } = newHome();
    const [a, b] = await Promise.all([startDaemon({ paths, self, env }), startDaemon({ paths, self, env })]);
    expect(a.pid).toBe(b.pid);
    expect([a.alreadyRunning, b.alreadyRunning].sort()).toEqual([false, true]);
    expect((await isDaemonAnswering(paths.socket))?.pid).toBe(a.pid);
    // The loser is gone for good: stopping the winner must not let it take over the home.
    await waitFor('one daemon process for the home', () => (daemonsOf(paths).length === 1 ? true : undefined));
    expect(daemonsOf(paths)).toEqual([a.pid]);
    await stopDaemon({ paths });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(daemonsOf(paths)).toEqual([]);
  });

  it("refuses a second 'daemon run' for the same home", async () => {
    const { paths, env } = newHome();
    const started = await startDaemon({ paths, self, env });
    const second = spawnSync(self.execPath, [...self.args, 'daemon', 'run'], {
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(second.status).not.toBe(0);
    expect(second.stderr).toContain(`a daemon is already running for this home (pid ${started.pid})`);
    expect((await isDaemonAnswering(paths.socket))?.pid).toBe(started.pid);
  });
});
