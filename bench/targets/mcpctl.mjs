// mcpctl's own targets, each on a fresh daemon home: the gateway over Streamable HTTP, and
// `mcpctl connect` (the stdio bridge an AI client spawns) forwarding to that gateway.
import { rmSync } from 'node:fs';
import { CLI, cli, cliEnv, EVERYTHING, makeHome } from '../lib.mjs';
import { descendants, freePort, onInterrupt, spawnGroup, stopPids, waitForPort } from '../proc.mjs';

export const SERVER = 'everything';

/** The daemon's command line exactly as its service unit runs it (`daemon install` writes the unit). */
function unitCommand(home) {
  return JSON.parse(cli(home, ['daemon', 'install', '--dry-run', '-o', 'json']).stdout).command;
}

/**
 * The daemon in the foreground, as its service unit runs it and as each peer is launched, on a free
 * port; ready once the gateway accepts connections. With BENCH_CPU_PROF_DIR=<dir> it runs under
 * --cpu-prof; `daemon stop` ends it cleanly, which is when V8 writes the profile.
 */
async function launch(home, [execPath, ...args]) {
  const port = await freePort();
  const dir = process.env.BENCH_CPU_PROF_DIR;
  const profile = dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const child = spawnGroup(execPath, [...profile, ...args], {
    env: cliEnv(home, { MCPCTL_GATEWAY_PORT: String(port) }),
  });
  await waitForPort(port, child);
  return { pid: child.pid, url: `http://127.0.0.1:${port}` };
}

/**
 * `setup(home)` defines what the daemon serves before it is launched (default: the one
 * server-everything the gateway figures call); it is not timed.
 */
export async function startDaemon(setup = defineEverything) {
  const home = makeHome();
  let pid = null;
  let stopping = null;
  // Idempotent: an interrupt and the caller's finally may both stop it, and a second `daemon stop`
  // after the home is gone would create the home again.
  const stop = () => (stopping ??= halt());
  const halt = async () => {
    unregister();
    // Children first noted, then a clean stop; whatever survives it is killed by id.
    const leftovers = pid ? [pid, ...descendants(pid)] : [];
    cli(home, ['daemon', 'stop'], { allowFailure: true });
    await stopPids(leftovers);
    rmSync(home, { recursive: true, force: true });
  };
  const unregister = onInterrupt(stop);
  try {
    // Set-up, not timed: the server is defined beforehand, as each peer finds it in its config.
    setup(home);
    cli(home, ['daemon', 'stop']);
    const command = unitCommand(home);
    // Timed from here, like a peer's launch: the daemon starts and brings its servers back.
    const t0 = Date.now();
    const daemon = await launch(home, command);
    pid = daemon.pid;
    return { home, pid, url: daemon.url, t0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function defineEverything(home) {
  cli(home, ['server', 'add', SERVER, '--', process.execPath, EVERYTHING, 'stdio']);
}

export const gateway = {
  key: 'gateway',
  label: 'd. mcpctl gateway',
  start: async () => {
    const daemon = await startDaemon();
    return {
      target: { kind: 'http', url: `${daemon.url}/servers/${SERVER}/mcp` },
      pid: daemon.pid,
      treeRoot: daemon.pid,
      t0: daemon.t0,
      stop: daemon.stop,
    };
  },
};

export const connect = {
  key: 'connect',
  label: 'e. mcpctl connect',
  start: async () => {
    const daemon = await startDaemon();
    return {
      target: {
        kind: 'stdio',
        command: process.execPath,
        args: [CLI, 'connect', SERVER],
        env: { MCPCTL_HOME: daemon.home, NO_COLOR: '1' },
      },
      pid: daemon.pid,
      treeRoot: daemon.pid,
      t0: daemon.t0,
      stop: daemon.stop,
    };
  },
};
