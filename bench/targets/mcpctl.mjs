// mcpctl's own targets, each on a fresh daemon home: the gateway over Streamable HTTP, and
// `mcpctl connect` (the stdio bridge an AI client spawns) forwarding to that gateway.
import { rmSync } from 'node:fs';
import { CLI, cli, cliEnv, EVERYTHING, makeHome } from '../lib.mjs';
import { descendants, onInterrupt, sleep, spawnGroup, stopPids } from '../proc.mjs';

const SERVER = 'everything';

/**
 * `mcpctl daemon start`, as a user starts it. With BENCH_CPU_PROF_DIR=<dir> the daemon runs in the
 * foreground under --cpu-prof instead (Node refuses that flag in NODE_OPTIONS, and `daemon start`
 * passes no node flags on); `daemon stop` ends it cleanly, which is when V8 writes the profile.
 */
async function launch(home) {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  if (!dir) return JSON.parse(cli(home, ['daemon', 'start', '-o', 'json']).stdout);
  const child = spawnGroup(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, CLI, 'daemon', 'run'], {
    env: cliEnv(home),
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = cli(home, ['daemon', 'status', '-o', 'json'], { allowFailure: true });
    if (status.status === 0) return JSON.parse(status.stdout);
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`daemon run did not answer: ${child.stderrText}`);
    await sleep(50);
  }
}

async function startDaemon() {
  const home = makeHome();
  let t0 = null;
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
    cli(home, ['server', 'add', SERVER, '--', process.execPath, EVERYTHING, 'stdio']);
    cli(home, ['daemon', 'stop']);
    // Timed from here, like a peer's launch: the daemon starts and brings its servers back (as after
    // a reboot); `daemon start -o json` says where the gateway listens, so no second call is needed.
    t0 = Date.now();
    const started = await launch(home);
    pid = started.pid;
    const url = started.gateway?.url;
    if (!url) throw new Error(`the daemon reports no gateway url: ${JSON.stringify(started)}`);
    return { home, pid, url, t0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
