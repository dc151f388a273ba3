// The cluster section's parts, all real: a PostgreSQL (Debian's binaries, initdb in a temp folder,
// a Unix socket only), daemons of the built binary on one store URL and master key (`daemon run` in
// the foreground, as startDaemon launches one), and Debian's HAProxy in front of their gateways.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cli, EVERYTHING } from '../lib.mjs';
import { freePort, onInterrupt, sleep, spawnGroup, stopGroup, waitForPort } from '../proc.mjs';
import { SERVER, startDaemon } from './mcpctl.mjs';

const HAPROXY = process.env.MCPCTL_HAPROXY ?? (existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy');

/** What the section needs that a developer machine may lack: null when all is there, else what is missing. */
export function missingTools() {
  const missing = [];
  if (spawnSync(HAPROXY, ['-v']).status !== 0) missing.push('haproxy');
  if (postgresBinDir() === null) missing.push('postgresql');
  return missing.length === 0 ? null : missing.join(', ');
}

function postgresBinDir() {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const major = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return major === undefined ? null : join(root, major, 'bin');
}

// initdb refuses root: as root the server runs as `nobody`, which then owns its folder.
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
const asOwner = (command, args) =>
  AS_ROOT
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', command, ...args]]
    : [command, args];
const runAsOwner = (command, args) => execFileSync(...asOwner(command, args), { stdio: 'pipe', cwd: '/' });

/**
 * One PostgreSQL for the section; `createDatabase()` gives each target a fresh database (the daemon
 * migrates it). Settings as a small production box keeps them (fsync on): the store is what (a) compares.
 */
export function startPostgres() {
  const bin = postgresBinDir();
  const root = mkdtempSync(join(tmpdir(), 'mcpctl-bench-pg-'));
  if (AS_ROOT) chownSync(root, NOBODY, NOBODY);
  const data = join(root, 'data');
  const pgCtl = (...args) => runAsOwner(join(bin, 'pg_ctl'), ['-D', data, ...args]);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unregister();
    try {
      pgCtl('-m', 'immediate', '-w', 'stop');
    } catch {
      // not running
    }
    rmSync(root, { recursive: true, force: true });
  };
  const unregister = onInterrupt(stop);
  try {
    runAsOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N']);
    pgCtl(
      '-l',
      join(root, 'server.log'),
      '-o',
      `-k ${root} -c listen_addresses='' -c max_connections=200`,
      '-w',
      'start',
    );
  } catch (error) {
    stop();
    throw new Error(`PostgreSQL did not start: ${error.message} ${error.stderr ?? ''}`);
  }
  const url = (db) => `postgres://postgres@localhost/${db}?host=${encodeURIComponent(root)}`;
  let databases = 0;
  return {
    /** Resolves the URL of a new, empty database. */
    async createDatabase() {
      const name = `bench${++databases}`;
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
  };
}

/**
 * `mode http` HAProxy on `port` in front of `backends` (gateway ports). `affinity`: a stick table learns
 * Mcp-Session-Id from the initialize response and matches it on each later request's header.
 */
export async function startHaproxy(port, backends, { affinity }) {
  const dir = mkdtempSync(join(tmpdir(), 'mcpctl-bench-lb-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(
    file,
    [
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 120s',
      '  timeout server 120s',
      'frontend mcp',
      `  bind 127.0.0.1:${port}`,
      '  default_backend daemons',
      'backend daemons',
      '  balance roundrobin',
      ...(affinity
        ? [
            '  stick-table type string len 64 size 100k expire 30m',
            '  stick store-response res.hdr(mcp-session-id)',
            '  stick on req.hdr(mcp-session-id)',
          ]
        : []),
      ...backends.map((backend, i) => `  server n${i + 1} 127.0.0.1:${backend}`),
      '',
    ].join('\n'),
  );
  const child = spawnGroup(HAPROXY, ['-f', file, '-db']);
  const stop = async () => {
    await stopGroup(child.pid);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid, url: `http://127.0.0.1:${port}`, stop };
}

/** Whether the built `server add` knows `--replicas` (placement): then the server is put on every node. */
let replicas;
function everywhereFlags(home) {
  replicas ??= cli(home, ['server', 'add', '--help']).stdout.includes('--replicas');
  return replicas ? ['--replicas', 'all'] : [];
}

/** Polls every node's `ls` until server-everything runs on each (a node's start may restart another's). */
async function untilRunningEverywhere(nodes, env, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = nodes.map((node, i) => {
      const views = JSON.parse(cli(node.home, ['ls', '-o', 'json'], { env: env[i] }).stdout);
      return views.find((view) => view.name === SERVER)?.state;
    });
    if (states.every((state) => state === 'running')) return;
    if (Date.now() > deadline) throw new Error(`${SERVER} not running on every node: ${states.join(', ')}`);
    await sleep(250);
  }
}

/**
 * `count` daemons (nodes n1..nN) on a fresh database of `pg`, each with its TLS listener on loopback,
 * server-everything defined through n1 before the others start, and, with `balancer`, HAProxy in
 * front. Resolves once the server runs on every node.
 */
export async function startCluster(pg, count, { balancer = null } = {}) {
  const storeUrl = await pg.createDatabase();
  const masterKey = randomBytes(32).toString('hex');
  const lbPort = await freePort();
  const envs = [];
  for (let i = 1; i <= count; i++) {
    envs.push({
      MCPCTL_STORE_URL: storeUrl,
      MCPCTL_MASTER_KEY: masterKey,
      MCPCTL_NO_KEYRING: '1',
      MCPCTL_NODE: `n${i}`,
      MCPCTL_LISTEN: `127.0.0.1:${await freePort()}`,
      // HAProxy forwards the client's Host, its own address: the gateways must accept it.
      MCPCTL_ALLOWED_HOSTS: `127.0.0.1:${lbPort}`,
    });
  }
  const nodes = [];
  let lb = null;
  const stop = async () => {
    await lb?.stop();
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    // The first alone migrates the database and defines the server; the others load it at their start.
    nodes.push(
      await startDaemon(
        (home) =>
          cli(home, ['server', 'add', SERVER, ...everywhereFlags(home), '--', process.execPath, EVERYTHING, 'stdio'], {
            env: envs[0],
          }),
        { env: envs[0], define: false },
      ),
    );
    nodes.push(...(await Promise.all(envs.slice(1).map((env) => startDaemon(() => {}, { env, define: false })))));
    await untilRunningEverywhere(nodes, envs);
    if (balancer) {
      const ports = nodes.map((node) => Number(new URL(node.url).port));
      lb = await startHaproxy(lbPort, ports, { affinity: balancer === 'affinity' });
    }
    return { nodes, envs, lb, t0: nodes[0].t0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The `gateway.forwarded` count in `mcpctl metrics -o json` of a node, or null where forwarding does not exist. */
export function forwardedCount(node, env) {
  const { gateway } = JSON.parse(cli(node.home, ['metrics', '-o', 'json'], { env }).stdout);
  const value = gateway?.forwarded;
  if (typeof value === 'number') return value;
  // A breakdown (by outcome, say): the total.
  if (value !== null && typeof value === 'object') {
    return Object.values(value).reduce((sum, n) => sum + (typeof n === 'number' ? n : 0), 0);
  }
  return null;
}
