import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../src/core/api.js';
import { waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { isAlive } from '../helpers/procs.js';

let h: E2eHome;
afterEach(async () => {
  await h.dispose();
});

describe('mcpctl daemon start | status | stop (built binary)', () => {
  it('starts once, reports the running daemon on a second start, and stops it', async () => {
    h = e2eHome();
    const first = await h.run(['daemon', 'start']);
    expect(first.code).toBe(0);
    const started = /daemon started \(pid (\d+), socket (\S+), gateway (http:\/\/127\.0\.0\.1:\d+)\)/.exec(
      first.stdout,
    );
    expect(started, first.stdout + first.stderr).not.toBeNull();
    const pid = Number(started?.[1]);
    expect(h.daemonPids()).toEqual([pid]);

    const second = await h.run(['daemon', 'start']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`daemon already running (pid ${pid}`);
    const third = await h.json<{ pid: number; alreadyRunning: boolean; gateway: { url: string } }>(['daemon', 'start']);
    expect(third).toMatchObject({ pid, alreadyRunning: true, gateway: { url: started?.[3] } });
    expect(h.daemonPids()).toEqual([pid]);

    const status = await h.json<DaemonStatus>(['daemon', 'status']);
    expect(status).toMatchObject({ pid, version: expect.any(String), socket: started?.[2], home: h.home });
    expect(status.gateway?.url).toBe(started?.[3]);
    expect(status.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(status.servers).toEqual({ total: 0, byState: {} });

    await h.run(['server', 'add', 'idle', '--no-autostart', '--', process.execPath, '-e', '0']);
    const withServer = await h.json<DaemonStatus>(['daemon', 'status']);
    expect(withServer.servers).toEqual({ total: 1, byState: { stopped: 1 } });

    const stop = await h.run(['daemon', 'stop']);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain(`daemon stopped (pid ${pid})`);
    expect(isAlive(pid)).toBe(false);
    expect(h.daemonPids()).toEqual([]);

    const after = await h.run(['daemon', 'status']);
    expect(after.code).toBe(6);
    expect(after.stderr).toMatch(/daemon is not running/);
    // status never starts the daemon
    expect(h.daemonPids()).toEqual([]);

    const again = await h.run(['daemon', 'stop']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('daemon is not running');
  });

  it('daemon logs --tail prints the newest lines of the daemon log', async () => {
    h = e2eHome();
    expect((await h.run(['daemon', 'start'])).code).toBe(0);
    await h.run(['server', 'add', 'quiet', '--no-autostart', '--', process.execPath, '-e', '0']);
    const logs = await waitFor('the add in the daemon log', async () => {
      const result = await h.run(['daemon', 'logs', '--tail', '3', '-o', 'json']);
      return result.code === 0 && result.stdout.includes('quiet added') ? result : undefined;
    });
    const records = logs.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(records).toHaveLength(3);
    const onDisk = readFileSync(join(h.home, 'logs', 'daemon.log'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(onDisk.slice(-3).map((line) => JSON.parse(line) as unknown)).toEqual(records);
  });

  it('daemon install --dry-run prints a systemd unit that runs the daemon, and installs nothing', async () => {
    h = e2eHome();
    const result = await h.run(['daemon', 'install', '--dry-run'], { env: { HOME: h.home } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[Service]');
    expect(result.stdout).toMatch(/^ExecStart=.*daemon run$/m);
    expect(result.stdout).toContain(`MCPCTL_HOME=${h.home}`);
    expect(result.stderr).toMatch(/would write/);
    expect(h.daemonPids()).toEqual([]);
    expect(existsSync(join(h.home, '.config'))).toBe(false);
  });
});
