import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectDaemon } from '../../../src/core/daemonClient.js';
import {
  daemonRunCommand,
  daemonStdioFile,
  isDaemonAnswering,
  startDaemon,
  stopDaemon,
} from '../../../src/core/daemonLifecycle.js';
import { isProcessAlive } from '../../../src/daemon/process/procfs.js';
import { McpctlError } from '../../../src/shared/errors.js';
import { resolvePaths } from '../../../src/shared/paths.js';
import { useCleanup, useShortTempDir } from '../daemon/ipc/helpers.js';

const tempDir = useShortTempDir();
const cleanup = useCleanup();
const self = {
  execPath: process.execPath,
  args: [fileURLToPath(new URL('./fixtures/fakeDaemon.mjs', import.meta.url))],
};

function home(extraEnv: NodeJS.ProcessEnv = {}): { paths: ReturnType<typeof resolvePaths>; env: NodeJS.ProcessEnv } {
  const env = { ...process.env, MCPCTL_HOME: tempDir(), ...extraEnv };
  const paths = resolvePaths(env);
  // Whatever a test started is stopped after it.
  cleanup(() => stopDaemon({ paths }).catch(() => undefined));
  return { paths, env };
}

describe('startDaemon and stopDaemon', () => {
  it('starts a detached daemon, finds it running the second time, stops it', async () => {
    const { paths, env } = home();
    const started = await startDaemon({ paths, self, env });
    expect(started).toEqual({ pid: expect.any(Number), socket: paths.socket, alreadyRunning: false });
    expect(await isDaemonAnswering(paths.socket)).toEqual({ pid: started.pid });

    expect(await startDaemon({ paths, self, env })).toEqual({ ...started, alreadyRunning: true });

    expect(await stopDaemon({ paths })).toEqual({ pid: started.pid });
    expect(isProcessAlive(started.pid)).toBe(false);
    expect(await isDaemonAnswering(paths.socket)).toBeUndefined();
  });

  it('says so when no daemon runs', async () => {
    const { paths } = home();
    expect(await stopDaemon({ paths })).toEqual({ wasRunning: false });
  });

  it('reports a daemon that dies while starting, with what it printed', async () => {
    const { paths, env } = home({ FAKE_DAEMON: 'crash' });
    const error = await startDaemon({ paths, self, env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpctlError);
    expect(error).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('exited while starting:\n  Error: cannot open the database: disk I/O error'),
      hint: expect.stringContaining('mcpctl daemon logs'),
    });
    expect(readFileSync(daemonStdioFile(paths), 'utf8')).toContain('disk I/O error');
  });
});

describe('connectDaemon', () => {
  it('starts the daemon on the first call that finds none, tells once, then goes straight through', async () => {
    const { paths, env } = home();
    const notes: string[] = [];
    const api = await connectDaemon({ paths, self, env, autostart: true, notify: (message) => notes.push(message) });
    expect(existsSync(paths.socket)).toBe(false);
    expect(await api.listServers({})).toEqual([]);
    const running = await isDaemonAnswering(paths.socket);
    expect(notes).toEqual([`mcpctl: daemon was not running; started it (pid ${running?.pid})`]);
    expect(await api.listServers({})).toEqual([]);
    expect(notes).toHaveLength(1);
  });

  it('without autostart, fails with DAEMON_UNREACHABLE and starts nothing', async () => {
    const { paths } = home();
    const api = await connectDaemon({ paths, self, autostart: false, notify: () => {} });
    await expect(api.listServers({})).rejects.toMatchObject({
      code: 'DAEMON_UNREACHABLE',
      hint: "start it with 'mcpctl daemon start'",
    });
    expect(await isDaemonAnswering(paths.socket)).toBeUndefined();
  });
});

describe('daemonRunCommand', () => {
  it('runs the script under node, or a single binary by itself, with no node flags', () => {
    expect(daemonRunCommand({ execPath: '/usr/bin/node', args: ['/opt/mcpctl.js'] })).toEqual([
      '/usr/bin/node',
      '/opt/mcpctl.js',
      'daemon',
      'run',
    ]);
    expect(daemonRunCommand({ execPath: '/usr/local/bin/mcpctl', args: [] })).toEqual([
      '/usr/local/bin/mcpctl',
      'daemon',
      'run',
    ]);
  });
});
