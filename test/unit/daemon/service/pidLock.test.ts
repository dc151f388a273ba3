import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProcessStartTime } from '../../../../src/daemon/process/procfs.js';
import { acquirePidLock, readPidFile } from '../../../../src/daemon/service/pidLock.js';
import { useCleanup, useShortTempDir } from '../ipc/helpers.js';

const tempDir = useShortTempDir();
const cleanup = useCleanup();

/** A pid that surely names no process: one that has just exited and been reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('acquirePidLock', () => {
  it('writes our pid and start time, 0600, and release removes it', () => {
    const pidFile = join(tempDir(), 'run', 'daemon.pid');
    const lock = acquirePidLock(pidFile);
    expect(readPidFile(pidFile)).toEqual({ pid: process.pid, startTime: readProcessStartTime(process.pid) });
    expect(statSync(pidFile).mode & 0o777).toBe(0o600);
    lock.release();
    expect(existsSync(pidFile)).toBe(false);
    lock.release();
  });

  it('refuses a second holder while the first one is alive', () => {
    const pidFile = join(tempDir(), 'daemon.pid');
    const lock = acquirePidLock(pidFile);
    cleanup(() => lock.release());
    expect(() => acquirePidLock(pidFile)).toThrow(
      expect.objectContaining({
        code: 'DAEMON_RUNNING',
        message: `a daemon is already running for this home (pid ${process.pid})`,
      }),
    );
    expect(readPidFile(pidFile)?.pid).toBe(process.pid);
  });

  it('refuses when another live process holds it', async () => {
    const pidFile = join(tempDir(), 'daemon.pid');
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => other.once('exit', resolve));
    cleanup(async () => {
      other.kill('SIGKILL');
      await exited;
    });
    const pid = other.pid ?? 0;
    writeFileSync(pidFile, JSON.stringify({ pid, startTime: readProcessStartTime(pid) }));
    expect(() => acquirePidLock(pidFile)).toThrow(expect.objectContaining({ code: 'DAEMON_RUNNING' }));
  });

  it('takes over a pid file naming a dead process', () => {
    const pidFile = join(tempDir(), 'daemon.pid');
    writeFileSync(pidFile, JSON.stringify({ pid: deadPid(), startTime: '123' }));
    const lock = acquirePidLock(pidFile);
    cleanup(() => lock.release());
    expect(readPidFile(pidFile)?.pid).toBe(process.pid);
  });

  it('takes over a pid file whose pid now belongs to a process with another start time', () => {
    const pidFile = join(tempDir(), 'daemon.pid');
    // Our own pid, but "started" at another time: a crashed daemon's pid reused by us.
    writeFileSync(pidFile, JSON.stringify({ pid: process.pid, startTime: '1' }));
    const lock = acquirePidLock(pidFile);
    cleanup(() => lock.release());
    expect(readPidFile(pidFile)).toEqual({ pid: process.pid, startTime: readProcessStartTime(process.pid) });
  });

  it('takes over an unreadable pid file', () => {
    const pidFile = join(tempDir(), 'daemon.pid');
    writeFileSync(pidFile, 'garbage');
    const lock = acquirePidLock(pidFile);
    cleanup(() => lock.release());
    expect(readPidFile(pidFile)?.pid).toBe(process.pid);
  });

  it('release leaves a file that names someone else', () => {
    const pidFile = join(tempDir(), 'daemon.pid');
    const lock = acquirePidLock(pidFile);
    const theirs = JSON.stringify({ pid: process.pid + 1, startTime: null });
    writeFileSync(pidFile, theirs);
    lock.release();
    expect(readFileSync(pidFile, 'utf8')).toBe(theirs);
  });
});

describe('readPidFile', () => {
  it('is undefined for a missing or malformed file', () => {
    const dir = tempDir();
    expect(readPidFile(join(dir, 'none.pid'))).toBeUndefined();
    writeFileSync(join(dir, 'bad.pid'), '{"pid":"12"}');
    expect(readPidFile(join(dir, 'bad.pid'))).toBeUndefined();
    writeFileSync(join(dir, 'old.pid'), '{"pid":12}');
    expect(readPidFile(join(dir, 'old.pid'))).toEqual({ pid: 12, startTime: null });
  });
});
