import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { CLI_NODE, FIXTURES, ROOT, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome, findProcessesByEnv } from '../helpers/e2e.js';
import { usePostgres } from '../helpers/postgres.js';

/**
 * Placement on a cluster of three real daemons (separate homes, one real PostgreSQL, a short lease
 * TTL): a singleton (server-memory, one memory file) runs on exactly one node, moves to another
 * when its node is killed -9, is handed over at once when its node is stopped, and across the
 * whole run never runs twice (its processes counted by their marker every 50 ms); `--replicas all`
 * runs on every node, `--replicas 2` on two; a stop from any node stops it everywhere.
 */
const pg = usePostgres();
const TTL_MS = 3000;
const RENEW_MS = TTL_MS / 3;
/** What spawning server-memory may take on a loaded 2-core machine, on top of placement's own delays. */
const SPAWN_BUDGET_MS = 1500;
const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
/** A minimal MCP server that starts at once (no SDK) and ends with its stdin. */
const TINY = join(FIXTURES, 'argvEcho.mjs');

interface Node {
  name: string;
  h: E2eHome;
}

describe('placement with leases on three daemons', () => {
  const nodes: Node[] = [];
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let marker: (server: string) => string;
  const run = (node: Node, args: string[]) => node.h.run(args, { env, timeoutMs: 40_000 });
  const ls = async (node: Node): Promise<ServerView[]> => {
    const result = await run(node, ['ls', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as ServerView[];
  };
  const nodesOf = async (via: Node, server: string) => (await ls(via)).find((view) => view.name === server)?.nodes;
  const processes = (server: string) => findProcessesByEnv((entry) => entry === marker(server)).length;
  const start = async (node: Node) => {
    const started = await run(node, ['daemon', 'start', '--node', node.name]);
    expect(started.code, started.stderr).toBe(0);
  };
  /** Waits until `server` runs on exactly `count` nodes (as `ls` on `via` says) with as many processes. */
  const runningOn = (via: Node, server: string, count: number, timeoutMs = 20_000) =>
    waitFor(
      `${server} on ${count} node(s)`,
      async () => {
        const where = await nodesOf(via, server);
        return where?.length === count && processes(server) === count ? where : undefined;
      },
      timeoutMs,
    );

  beforeAll(async () => {
    const db = await pg().createDatabase();
    env = { MCPCTL_STORE_URL: db.url, MCPCTL_LEASE_TTL_MS: String(TTL_MS), MCPCTL_TEST_HEARTBEAT_MS: '200' };
    for (const name of ['node-a', 'node-b', 'node-c']) nodes.push({ name, h: e2eHome() });
    dataDir = mkdtempSync(join(tmpdir(), 'mcpctl-placement-'));
    const first = nodes[0] as Node;
    marker = (server) => first.h.mark(server)[1] as string;
  });
  afterAll(async () => {
    clearInterval(sampler);
    await Promise.all(nodes.map((node) => node.h.dispose()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a bad --replicas with exit 2 and a hint', async () => {
    const [a] = nodes as [Node];
    for (const bad of ['0', 'two', '1.5']) {
      const result = await run(a, ['server', 'add', 'bad', '--replicas', bad, '--', CLI_NODE, MEMORY]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`invalid --replicas '${bad}'`);
      expect(result.stderr).toMatch(/Hint: .*--replicas all/);
    }
  });

  // Every 50 ms from the second daemon's start to the end of the hand-overs: the most memo
  // processes seen at once, and when each one appeared.
  let most = 0;
  let count = 0;
  const appeared: number[] = [];
  let sampler: NodeJS.Timeout | undefined;
  const appearedAfter = (time: number) => appeared.find((at) => at > time) ?? Number.POSITIVE_INFINITY;
  let holder: string | undefined;

  it('runs a singleton on one node, `--replicas all` on every node and `--replicas 2` on two', async () => {
    const [a, b, c] = nodes as [Node, Node, Node];
    await start(a);
    // The other daemons read the definitions at their start (change propagation is not this test's).
    const memoryFile = join(dataDir, 'memory.json');
    const added = [
      ['memo', ...a.h.mark('memo'), '--env', `MEMORY_FILE_PATH=${memoryFile}`, '--', CLI_NODE, MEMORY],
      ['everywhere', ...a.h.mark('everywhere'), '--replicas', 'all', '--', CLI_NODE, TINY],
      ['pair', ...a.h.mark('pair'), '--replicas', '2', '--', CLI_NODE, TINY],
    ];
    for (const args of added) {
      const result = await run(a, ['server', 'add', '--no-wait', ...args]);
      expect(result.code, result.stderr).toBe(0);
    }
    const shown = await run(a, ['server', 'show', 'pair']);
    expect(shown.stdout).toMatch(/Replicas:\s+2\n/);
    expect((await ls(a)).find((view) => view.name === 'everywhere')?.replicas).toBe('all');

    sampler = setInterval(() => {
      const now = processes('memo');
      if (now > count) appeared.push(Date.now());
      count = now;
      most = Math.max(most, now);
    }, 50);
    await Promise.all([start(b), start(c)]);
    [holder] = await runningOn(b, 'memo', 1);
    expect(await runningOn(c, 'everywhere', 3)).toEqual(['node-a', 'node-b', 'node-c']);
    expect(await runningOn(a, 'pair', 2)).toHaveLength(2);
    const table = await run(b, ['ls']);
    expect(table.stdout).toMatch(/NAME\s+TRANSPORT.*NODE\n/);
    expect(table.stdout).toMatch(new RegExp(`memo\\s.*\\s${holder}\\n`));
  });

  it('moves the singleton to another node when its node is killed -9, and hands it over at once on daemon stop', async () => {
    // kill -9 of the holder: another node runs it once the lease expired by the database's clock.
    const first = nodes.find((node) => node.name === holder) as Node;
    const survivors = nodes.filter((node) => node !== first);
    const killedAt = Date.now();
    for (const pid of first.h.daemonPids()) process.kill(pid, 'SIGKILL');
    const [next] = await waitFor('memo to move off the killed node', async () => {
      const moved = await nodesOf(survivors[0] as Node, 'memo');
      return moved?.length === 1 && moved[0] !== holder && processes('memo') === 1 ? moved : undefined;
    });
    // The lease expires at most a TTL after the kill; a survivor's next round takes it.
    expect(appearedAfter(killedAt) - killedAt).toBeLessThan(TTL_MS + RENEW_MS + SPAWN_BUDGET_MS);

    // daemon stop of the new holder: it releases the lease as it leaves, the last node takes it at once.
    const second = survivors.find((node) => node.name === next) as Node;
    const last = survivors.find((node) => node !== second) as Node;
    const stopAsked = Date.now();
    const stopped = await run(second, ['daemon', 'stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    const stoppedAt = Date.now();
    expect(await runningOn(last, 'memo', 1)).toEqual([last.name]);
    // Released as it left: taken at the next round, well before the TTL would have let anyone (on
    // a loaded machine it may even start before the stopping CLI has returned).
    expect(appearedAfter(stopAsked) - stoppedAt).toBeLessThan(RENEW_MS + SPAWN_BUDGET_MS);
    expect(await runningOn(last, 'pair', 1)).toEqual([last.name]);
    clearInterval(sampler);
    expect(most).toBe(1);
  });

  it('stops a server on every node when stopped from any one, and starts it again where placement says', async () => {
    await Promise.all(nodes.filter((node) => node.h.daemonPids().length === 0).map(start));
    const [a, b, c] = nodes as [Node, Node, Node];
    await runningOn(a, 'everywhere', 3);
    const stopped = await run(b, ['stop', 'everywhere']);
    expect(stopped.code, stopped.stderr).toBe(0);
    await runningOn(c, 'everywhere', 0);
    expect((await ls(a)).find((view) => view.name === 'everywhere')?.desired).toBe('stopped');
    const started = await run(c, ['start', 'everywhere']);
    expect(started.code, started.stderr).toBe(0);
    expect(await runningOn(a, 'everywhere', 3)).toEqual(['node-a', 'node-b', 'node-c']);

    // A singleton started from a node that may not be the one to run it: `start` waits until one does.
    const [memoNode] = await runningOn(a, 'memo', 1);
    const other = nodes.find((node) => node.name !== memoNode) as Node;
    expect((await run(other, ['stop', 'memo'])).code).toBe(0);
    await runningOn(a, 'memo', 0);
    const again = await run(other, ['start', 'memo']);
    expect(again.code, again.stderr).toBe(0);
    expect(await runningOn(b, 'memo', 1)).toHaveLength(1);
  });
});
