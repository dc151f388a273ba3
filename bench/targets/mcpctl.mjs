// mcpctl's own targets, each on a fresh daemon home: the gateway over Streamable HTTP, and
// `mcpctl connect` (the stdio bridge an AI client spawns) forwarding to that gateway.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, cli, cliEnv, EVERYTHING, makeHome, ROOT } from '../lib.mjs';
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
async function launch(home, [execPath, ...args], env) {
  const port = await freePort();
  const dir = process.env.BENCH_CPU_PROF_DIR;
  const profile = dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const extra = process.env.BENCH_DAEMON_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawnGroup(execPath, [...profile, ...extra, ...args], {
    env: cliEnv(home, { ...env, MCPCTL_GATEWAY_PORT: String(port) }),
  });
  await waitForPort(port, child);
  return { pid: child.pid, url: `http://127.0.0.1:${port}` };
}

/**
 * `setup(home)` defines more before the daemon is relaunched (the profile target's members and profile).
 * `env` goes to every command and the daemon (a store URL, a node name: the cluster section); `define:
 * false` skips defining the server, for a node whose store already holds it.
 */
export async function startDaemon(setup = () => {}, { env = {}, define = true } = {}) {
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
    cli(home, ['daemon', 'stop'], { allowFailure: true, env });
    await stopPids(leftovers);
    rmSync(home, { recursive: true, force: true });
  };
  const unregister = onInterrupt(stop);
  try {
    // Set-up, not timed: the server is defined beforehand, as each peer finds it in its config.
    if (define) cli(home, ['server', 'add', SERVER, '--', process.execPath, EVERYTHING, 'stdio'], { env });
    setup(home);
    cli(home, ['daemon', 'stop'], { env });
    const command = unitCommand(home);
    // Timed from here, like a peer's launch: the daemon starts and brings its servers back.
    const t0 = Date.now();
    const daemon = await launch(home, command, env);
    pid = daemon.pid;
    return { home, pid, url: daemon.url, t0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A bench target: a daemon started (after `setup`) and its gateway endpoint `path` (with `tool`, if not echo). */
export function daemonTarget({ key, label, setup, path = `/servers/${SERVER}/mcp`, tool }) {
  return {
    key,
    label,
    start: async () => {
      const daemon = await startDaemon(setup);
      return {
        target: { kind: 'http', url: `${daemon.url}${path}`, ...(tool === undefined ? {} : { tool }) },
        pid: daemon.pid,
        treeRoot: daemon.pid,
        t0: daemon.t0,
        stop: daemon.stop,
      };
    },
  };
}

export const gateway = daemonTarget({ key: 'gateway', label: 'd. mcpctl gateway' });

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

const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
export const PROFILE = 'bench';
/** Members besides server-everything: nine server-memory instances, so the profile has ten. */
export const OTHER_MEMBERS = Array.from({ length: 9 }, (_, i) => `memory-${i + 1}`);

/** Defines the nine other members and the profile of ten (server-everything first). */
export function defineProfile(home) {
  for (const name of OTHER_MEMBERS) {
    const env = `MEMORY_FILE_PATH=${join(home, `${name}.jsonl`)}`;
    cli(home, ['server', 'add', name, '--env', env, '--', process.execPath, MEMORY]);
  }
  const members = [SERVER, ...OTHER_MEMBERS].flatMap((name) => ['--server', name]);
  cli(home, ['profile', 'create', PROFILE, ...members]);
}

/**
 * The same echo through a 10-member profile's aggregated endpoint (`/profiles/bench/mcp`), where it
 * is `everything__echo`: what a call costs through the aggregator, next to the gateway's own figure.
 */
export const profile = daemonTarget({
  key: 'profile',
  label: 'f. mcpctl profile (10 members)',
  setup: defineProfile,
  path: `/profiles/${PROFILE}/mcp`,
  tool: `${SERVER}__echo`,
});
