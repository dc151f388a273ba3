import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type CliResult, mcpctl, waitFor } from './cli.js';
import { type E2eHome, e2eHome, findProcessesByEnv } from './e2e.js';
import { freePort, type Haproxy, startHaproxy } from './haproxy.js';
import { type PostgresCluster, startPostgres } from './postgres.js';
import { isAlive } from './procs.js';

/**
 * A cluster for end-to-end tests, all real: one PostgreSQL (test/helpers/postgres.ts), N daemons of
 * the built binary (each its own MCPCTL_HOME, all on the same store URL and master key, `--node nK`,
 * the TLS listener and the gateway on loopback), and Debian's HAProxy in front of the gateways.
 *
 * Ports are picked once, before anything starts, and kept: a node started again after stop() or
 * kill9() listens where it did, so the balancer's backend line and the advertised listener URL stay
 * right, and the balancer's own port is in every node's `gateway.allowedHosts` from the start.
 */

/** `roundrobin`: no affinity. `affinity`: a stick table learns `Mcp-Session-Id` from the initialize response. */
export type ClusterBalance = 'roundrobin' | 'affinity';

export interface ClusterOptions {
  /** How many daemons; default 3. Named n1, n2, ... */
  nodes?: number;
  /** Default `affinity`. */
  balance?: ClusterBalance;
  /** Added to every node's environment (short lease or heartbeat times, say). */
  env?: NodeJS.ProcessEnv;
  /**
   * Runs once the first node is up, before the others start: definitions made here are in the
   * store when the others load it (without change sync, a daemon learns definitions only then).
   */
  beforeOthers?: (first: ClusterNode, cluster: Cluster) => Promise<void>;
}

export interface ClusterNode {
  /** Its node name: `n1`, `n2`, ... */
  name: string;
  home: string;
  /** `http://127.0.0.1:PORT`: its loopback gateway, fixed for the cluster's life. */
  gatewayUrl: string;
  gatewayPort: number;
  /** `https://127.0.0.1:PORT`: its TLS listener (`--listen`). */
  listenUrl: string;
  /** Its TLS listener as `daemon status` reports it (running daemon only): the certificate file is for NODE_EXTRA_CA_CERTS. */
  remote(): Promise<{ url: string; fingerprint: string | null; certFile: string | null }>;
  /** Its daemon's pid while it runs (since its last start), else undefined. */
  pid(): number | undefined;
  /** The environment its daemon runs with (and every command the runner gives it). */
  env: NodeJS.ProcessEnv;
  /** `mcpctl ARGS` against this node, never starting its daemon by itself (MCPCTL_NO_AUTOSTART). */
  run(args: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult>;
  /** `mcpctl ARGS -o json`, parsed; throws with stderr on a non-zero exit. */
  json<T>(args: string[]): Promise<T>;
  /** `/servers/NAME/mcp` on this node's gateway, past the balancer. */
  endpoint(server: string): string;
}

export interface Cluster {
  nodes: readonly ClusterNode[];
  /** The node named `name` (n1...); throws for another name. */
  node(name: string): ClusterNode;
  pg: PostgresCluster;
  storeUrl: string;
  /** 64 hex digits, in every node's MCPCTL_MASTER_KEY. */
  masterKey: string;
  balancer: Haproxy;
  balance: ClusterBalance;
  /** `http://127.0.0.1:PORT`: the balancer. */
  url: string;
  /** `/servers/NAME/mcp` through the balancer. */
  endpoint(server: string): string;
  /** `--env E2E_MARK=...` for `server add`: the server's processes on every node then carry the mark. */
  mark(server: string): string[];
  /** Live processes of a marked server on all nodes; with `node`, only those below that node's daemon. */
  serverPids(server: string, node?: ClusterNode): number[];
  /**
   * `--replicas all` where the built binary knows `--replicas` (placement), else nothing (every daemon
   * runs every definition): for `server add` of a server meant to run on every node.
   */
  everywhere(): Promise<string[]>;
  /** SIGKILL of the node's daemon (its servers are left as a crash leaves them); resolves once it is gone. */
  kill9(node: ClusterNode): Promise<void>;
  /** `daemon stop` (a drain): resolves once its daemon exited. */
  stop(node: ClusterNode): Promise<void>;
  /** `daemon start` on its fixed ports; resolves once it answers. The balancer's check takes it back within 500 ms. */
  start(node: ClusterNode): Promise<void>;
  /** PostgreSQL stopped (immediate mode, data kept), as an outage; pgStart() brings it back on the same socket. */
  pgStop(): void;
  pgStart(): void;
  /** Stops the balancer, every node (then kills whatever of theirs is left), PostgreSQL; removes the folders. */
  dispose(): Promise<void>;
}

/** What `daemon start -o json` prints. */
interface StartedView {
  pid: number;
  gateway: { url: string; port: number } | null;
}

interface StatusView {
  remote: { url: string; fingerprint: string | null; certFile: string | null } | null;
}

const MARK = 'E2E_MARK';
// Heartbeats every 200 ms instead of 5 s: `node ls` sees a start at once.
const FAST_HEARTBEAT = { MCPCTL_TEST_HEARTBEAT_MS: '200' };
const NO_KEYRING = { MCPCTL_NO_KEYRING: '1' };

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let at = parentOf(pid), hops = 0; at !== undefined && at > 1 && hops < 20; at = parentOf(at), hops++) {
    if (at === ancestor) return true;
  }
  return false;
}

async function untilGone(pid: number, what: string): Promise<void> {
  await waitFor(what, () => (isAlive(pid) ? undefined : true), 20_000);
}

let replicasFlag: Promise<boolean> | undefined;

/** Whether the built `server add` takes `--replicas` (asked once per test process). */
function knowsReplicas(home: string): Promise<boolean> {
  replicasFlag ??= mcpctl(home, ['server', 'add', '--help']).then((help) => help.stdout.includes('--replicas'));
  return replicasFlag;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const count = options.nodes ?? 3;
  const balance = options.balance ?? 'affinity';
  const dir = mkdtempSync(join(tmpdir(), 'mcpctl-cluster-'));
  const masterKey = randomBytes(32).toString('hex');
  const homes: E2eHome[] = [];
  const pids = new Map<string, number>();
  let pg: PostgresCluster | undefined;
  let balancer: Haproxy | undefined;

  const ports = async () => ({ gateway: await freePort(), listen: await freePort() });
  const lbPort = await freePort();
  try {
    pg = await startPostgres();
    const storeUrl = (await pg.createDatabase()).url;
    const nodes: ClusterNode[] = [];
    for (let i = 1; i <= count; i++) {
      const name = `n${i}`;
      const h = e2eHome();
      homes.push(h);
      const { gateway, listen } = await ports();
      const env: NodeJS.ProcessEnv = {
        ...NO_KEYRING,
        ...FAST_HEARTBEAT,
        MCPCTL_STORE_URL: storeUrl,
        MCPCTL_MASTER_KEY: masterKey,
        MCPCTL_NODE: name,
        MCPCTL_GATEWAY_PORT: String(gateway),
        MCPCTL_LISTEN: `127.0.0.1:${listen}`,
        // The balancer forwards the client's Host: its own address, which a gateway refuses unless named.
        MCPCTL_ALLOWED_HOSTS: `127.0.0.1:${lbPort},localhost:${lbPort}`,
        MCPCTL_NO_AUTOSTART: '1',
        ...options.env,
      };
      const gatewayUrl = `http://127.0.0.1:${gateway}`;
      nodes.push({
        name,
        home: h.home,
        gatewayUrl,
        gatewayPort: gateway,
        listenUrl: `https://127.0.0.1:${listen}`,
        async remote() {
          const status = await h.run(['daemon', 'status', '-o', 'json'], { env });
          if (status.code !== 0) throw new Error(`${name}: daemon status exited ${status.code}: ${status.stderr}`);
          const { remote } = JSON.parse(status.stdout) as StatusView;
          if (remote === null) throw new Error(`${name} runs no TLS listener`);
          return remote;
        },
        pid: () => {
          const pid = pids.get(name);
          return pid !== undefined && isAlive(pid) ? pid : undefined;
        },
        env,
        run: (args, runOptions = {}) =>
          h.run(args, { timeoutMs: runOptions.timeoutMs ?? 30_000, env: { ...env, ...runOptions.env } }),
        async json<T>(args: string[]): Promise<T> {
          const result = await h.run([...args, '-o', 'json'], { env });
          if (result.code !== 0)
            throw new Error(`${name}: mcpctl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
          return JSON.parse(result.stdout) as T;
        },
        endpoint: (server) => `${gatewayUrl}/servers/${server}/mcp`,
      });
    }
    const byName = (name: string): ClusterNode => {
      const node = nodes.find((candidate) => candidate.name === name);
      if (!node) throw new Error(`no node ${name} in this cluster (${nodes.map((n) => n.name).join(', ')})`);
      return node;
    };

    const start = async (node: ClusterNode): Promise<void> => {
      const started = await node.json<StartedView>(['daemon', 'start']);
      if (started.gateway?.port !== node.gatewayPort) {
        throw new Error(`${node.name}: gateway on ${started.gateway?.url ?? 'nothing'}, not port ${node.gatewayPort}`);
      }
      pids.set(node.name, started.pid);
    };
    const stop = async (node: ClusterNode): Promise<void> => {
      const pid = node.pid();
      const stopped = await node.run(['daemon', 'stop'], { timeoutMs: 30_000 });
      if (stopped.code !== 0) throw new Error(`${node.name}: daemon stop exited ${stopped.code}: ${stopped.stderr}`);
      if (pid !== undefined) await untilGone(pid, `${node.name}'s daemon to exit`);
    };
    const kill9 = async (node: ClusterNode): Promise<void> => {
      const pid = node.pid();
      if (pid === undefined) throw new Error(`kill9: ${node.name} is not running`);
      process.kill(pid, 'SIGKILL');
      await untilGone(pid, `${node.name}'s daemon to die`);
    };

    const markPrefix = `${MARK}=${dir}/`;
    const cluster: Cluster = {
      nodes,
      node: byName,
      pg,
      storeUrl,
      masterKey,
      get balancer(): Haproxy {
        if (!balancer) throw new Error('the balancer starts after the nodes: not in beforeOthers');
        return balancer;
      },
      balance,
      url: `http://127.0.0.1:${lbPort}`,
      endpoint: (server) => `http://127.0.0.1:${lbPort}/servers/${server}/mcp`,
      mark: (server) => ['--env', `${markPrefix}${server}`],
      serverPids(server, node) {
        const all = findProcessesByEnv((entry) => entry === `${markPrefix}${server}`);
        if (node === undefined) return all;
        const daemon = node.pid();
        return daemon === undefined ? [] : all.filter((pid) => descendsFrom(pid, daemon));
      },
      everywhere: async () => ((await knowsReplicas(nodes[0]?.home ?? dir)) ? ['--replicas', 'all'] : []),
      kill9,
      stop,
      start,
      pgStop: () => pg?.pause(),
      pgStart: () => pg?.resume(),
      async dispose() {
        await balancer?.stop();
        // Each home at once: `daemon stop`, then kill -9 whatever of it is left (servers included), then rm.
        await Promise.all(homes.map((h) => h.dispose()));
        for (const pid of findProcessesByEnv((entry) => entry.startsWith(markPrefix))) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone meanwhile
          }
        }
        pg?.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };

    const [first, ...others] = nodes;
    if (first === undefined) throw new Error('startCluster: at least one node');
    // The first alone: it migrates the fresh database; the others then find it at the current version.
    await start(first);
    await options.beforeOthers?.(first, cluster);
    await Promise.all(others.map(start));
    balancer = await startHaproxy({
      port: lbPort,
      backends: nodes.map((node) => ({ port: node.gatewayPort })),
      check: true,
      // A connection a dead node refuses goes to another node at once, before its check marks it down.
      backendLines: ['option redispatch', 'retries 2', ...(balance === 'affinity' ? AFFINITY : [])],
    });
    return cluster;
  } catch (error) {
    await balancer?.stop();
    await Promise.all(homes.map((h) => h.dispose()));
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Affinity on the MCP session: the id is learnt from the initialize RESPONSE's header (the request
 * has none yet) and matched on every later request's header. `balance hdr(...)` would not do: it
 * hashes the id, so the initialize (no header) and its session would land on unrelated nodes.
 */
const AFFINITY = [
  'stick-table type string len 64 size 100k expire 30m',
  'stick store-response res.hdr(mcp-session-id)',
  'stick on req.hdr(mcp-session-id)',
];

/** One cluster for the test file: started before its first test, disposed after its last. */
export function useCluster(options: ClusterOptions = {}, timeoutMs = 60_000): () => Cluster {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster(options);
  }, timeoutMs);
  afterAll(async () => {
    await cluster?.dispose();
  }, 60_000);
  return () => {
    if (!cluster) throw new Error('useCluster: use it inside a test');
    return cluster;
  };
}
