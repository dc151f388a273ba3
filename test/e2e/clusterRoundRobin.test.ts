import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { CLI_NODE, EVERYTHING, ROOT, waitFor } from '../helpers/cli.js';
import { type Cluster, type ClusterNode, useCluster } from '../helpers/cluster.js';
import { addServer, expectInspectorThrough, forwardedBy, waitRunningEverywhere } from '../helpers/clusterServers.js';
import { NO_HAPROXY } from '../helpers/haproxy.js';

/**
 * Three daemons on one real PostgreSQL behind a real HAProxy in round-robin WITHOUT affinity: every
 * request of a session lands on any node, and the nodes relay it to the session's owner. Then a
 * kill -9 of one node under that load: the sessions it owned answer 404 from the others and their
 * clients re-initialize after at most one failed call, and its singleton (server-memory,
 * `--replicas 1`, a 3 s lease) runs on another node within the lease TTL, never on two at once.
 */
const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const SERVER = 'everything';
const SINGLETON = 'memo';
const SESSIONS = 8;
const CALLS = 25;
const TTL_MS = 3000;
const RENEW_MS = TTL_MS / 3;
/** What spawning server-memory may take on a loaded 2-core machine, on top of placement's own delays. */
const SPAWN_BUDGET_MS = 1500;
const CALL_TIMEOUT_MS = 5000;

const dataDir = mkdtempSync(join(tmpdir(), 'mcpctl-roundrobin-'));

function echoed(content: unknown, message: string): boolean {
  return JSON.stringify(content) === JSON.stringify([{ type: 'text', text: `Echo: ${message}` }]);
}

async function connect(c: Cluster, name: string): Promise<Client> {
  const client = new Client({ name, version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(c.endpoint(SERVER))));
  return client;
}

/** What one client loop saw: failed calls (each followed by a new session), wrong answers, calls made. */
interface LoopResult {
  failures: string[];
  wrong: number;
  calls: number;
  /** Calls that succeeded after the last failure: the client went on. */
  callsSinceFailure: number;
}

/**
 * A client as a real one is written: it calls echo until `stop()`, and when a call fails — a 404
 * (its session's node is gone) or a connection the dying node broke — it initializes a new session
 * and goes on.
 */
async function clientLoop(c: Cluster, k: number, stop: () => boolean): Promise<LoopResult> {
  const result: LoopResult = { failures: [], wrong: 0, calls: 0, callsSinceFailure: 0 };
  let client = await connect(c, `roundrobin-${k}`);
  try {
    while (!stop()) {
      const message = `s${k}-c${result.calls}-${Math.random().toString(36).slice(2)}`;
      result.calls++;
      try {
        const answer = await client.callTool({ name: 'echo', arguments: { message } }, undefined, {
          timeout: CALL_TIMEOUT_MS,
        });
        if (!echoed(answer.content, message)) result.wrong++;
        result.callsSinceFailure++;
      } catch (error) {
        result.failures.push(`session ${k} call ${result.calls}: ${(error as Error).message}`);
        result.callsSinceFailure = 0;
        await client.close().catch(() => undefined);
        client = await connect(c, `roundrobin-${k}-again`);
      }
    }
  } finally {
    await client.close().catch(() => undefined);
  }
  return result;
}

describe.skipIf(NO_HAPROXY)(
  'three daemons behind HAProxy round-robin without affinity, and a kill -9 under load',
  () => {
    const cluster = useCluster({
      balance: 'roundrobin',
      env: { MCPCTL_LEASE_TTL_MS: String(TTL_MS) },
      beforeOthers: async (first, c) => {
        await addServer(first, c, SERVER, [...(await c.everywhere()), '--', CLI_NODE, EVERYTHING]);
        await addServer(first, c, SINGLETON, [
          '--no-wait',
          '--replicas',
          '1',
          '--env',
          `MEMORY_FILE_PATH=${join(dataDir, 'memory.json')}`,
          '--',
          CLI_NODE,
          MEMORY,
        ]);
      },
    });

    // Every 50 ms over the whole file: the most singleton processes seen at once on all nodes, and
    // when each new one appeared.
    let most = 0;
    let count = 0;
    const appeared: number[] = [];
    let sampler: NodeJS.Timeout | undefined;

    beforeAll(async () => {
      const c = cluster();
      sampler = setInterval(() => {
        const now = c.serverPids(SINGLETON).length;
        if (now > count) appeared.push(Date.now());
        count = now;
        most = Math.max(most, now);
      }, 50);
      await waitRunningEverywhere(c, SERVER);
    }, 30_000);
    afterAll(() => {
      clearInterval(sampler);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('the official inspector CLI lists the tools and calls echo through the balancer', async () => {
      await expectInspectorThrough(cluster(), SERVER, 'round robin');
    });

    it(`${SESSIONS} SDK sessions × ${CALLS} calls: 0 wrong answers, 0 errors, requests forwarded to their owners`, async () => {
      const c = cluster();
      const before = await Promise.all(c.nodes.map(forwardedBy));
      const results = await Promise.all(
        Array.from({ length: SESSIONS }, async (_, k) => {
          const client = await connect(c, `roundrobin-${k}`);
          let wrong = 0;
          for (let i = 0; i < CALLS; i++) {
            const message = `s${k}-c${i}`;
            const answer = await client.callTool({ name: 'echo', arguments: { message } });
            if (!echoed(answer.content, message)) wrong++;
          }
          await client.close();
          return wrong;
        }),
      );
      expect(results.reduce((sum, wrong) => sum + wrong, 0)).toBe(0);
      const after = await Promise.all(c.nodes.map(forwardedBy));
      const forwarded = after.reduce((sum, n, i) => sum + n - (before[i] ?? 0), 0);
      // Without affinity about two requests in three land on a node that does not own their session.
      expect(forwarded).toBeGreaterThan(0);
    });

    it('kill -9 of the singleton holder under load: at most one failed call per client, the singleton moves within the TTL, never twice', async () => {
      const c = cluster();
      const holderName = await waitFor('the singleton to run', async () => {
        const views = await c.nodes[0]?.json<ServerView[]>(['ls']);
        const where = views?.find((view) => view.name === SINGLETON)?.nodes ?? [];
        return where.length === 1 && c.serverPids(SINGLETON).length === 1 ? where[0] : undefined;
      });
      const holder = c.node(holderName as string);
      const survivor = c.nodes.find((node) => node !== holder) as ClusterNode;

      let stopping = false;
      const loops = Array.from({ length: SESSIONS }, (_, k) => clientLoop(c, k, () => stopping));
      // Load first, so that sessions owned by the holder are open and busy when it dies.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const killedAt = Date.now();
      await c.kill9(holder);
      await waitFor(
        'the singleton to run on a survivor',
        async () => {
          const views = await survivor.json<ServerView[]>(['ls']);
          const where = views.find((view) => view.name === SINGLETON)?.nodes ?? [];
          return where.length === 1 && where[0] !== holder.name && c.serverPids(SINGLETON).length === 1
            ? true
            : undefined;
        },
        TTL_MS + RENEW_MS + SPAWN_BUDGET_MS + 5_000,
      );
      const movedIn = (appeared.find((at) => at > killedAt) ?? Number.POSITIVE_INFINITY) - killedAt;
      // Keep the load on a little after the move: every client must be calling again.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      stopping = true;
      const results = await Promise.all(loops);

      expect(movedIn).toBeLessThan(TTL_MS + RENEW_MS + SPAWN_BUDGET_MS);
      expect(most).toBe(1);
      expect(results.reduce((sum, result) => sum + result.wrong, 0)).toBe(0);
      for (const result of results) {
        expect(result.failures.length, result.failures.join('\n')).toBeLessThanOrEqual(1);
        expect(result.callsSinceFailure).toBeGreaterThan(0);
      }
      // Round-robin spread the initializes: the dead node owned some sessions, whose clients saw their one failure.
      expect(results.filter((result) => result.failures.length === 1).length).toBeGreaterThan(0);
    }, 40_000);
  },
);
