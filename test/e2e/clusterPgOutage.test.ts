import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { CLI_NODE, EVERYTHING, waitFor } from '../helpers/cli.js';
import { type Cluster, type ClusterNode, useCluster } from '../helpers/cluster.js';
import { addServer, waitRunningEverywhere } from '../helpers/clusterServers.js';
import { NO_HAPROXY } from '../helpers/haproxy.js';
import { isAlive } from '../helpers/procs.js';

/**
 * PostgreSQL stopped for 10 s under load, behind HAProxy round-robin without affinity: sessions to a
 * `--replicas all` server keep answering from memory (0 errors, 0 wrong answers), a write during the
 * outage fails with exit 6, and once PostgreSQL is back every daemon is still the same process and a
 * change made through one node reaches the others.
 */
const SERVER = 'everything';
const SESSIONS = 8;
const OUTAGE_MS = 10_000;
const CALL_TIMEOUT_MS = 5000;
/** When PostgreSQL was stopped: errors say how long after it they came. */
let stoppedAt = 0;

interface LoopResult {
  errors: string[];
  wrong: number;
  calls: number;
}

/** One session calling echo until `stop()`; every failed call is an error (no re-initialize here). */
async function sessionLoop(c: Cluster, k: number, stop: () => boolean): Promise<LoopResult> {
  const result: LoopResult = { errors: [], wrong: 0, calls: 0 };
  const client = new Client({ name: `outage-${k}`, version: '1' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(c.endpoint(SERVER))));
    while (!stop()) {
      const message = `s${k}-c${result.calls}-${Math.random().toString(36).slice(2)}`;
      result.calls++;
      try {
        const answer = await client.callTool({ name: 'echo', arguments: { message } }, undefined, {
          timeout: CALL_TIMEOUT_MS,
        });
        if (JSON.stringify(answer.content) !== JSON.stringify([{ type: 'text', text: `Echo: ${message}` }]))
          result.wrong++;
      } catch (error) {
        result.errors.push(
          `session ${k} call ${result.calls} at +${Date.now() - stoppedAt} ms: ${(error as Error).message.slice(0, 120)}`,
        );
      }
    }
  } catch (error) {
    result.errors.push(`session ${k}: ${(error as Error).message}`);
  } finally {
    await client.close().catch(() => undefined);
  }
  return result;
}

const listed = async (node: ClusterNode, name: string) =>
  (await node.json<ServerView[]>(['server', 'ls'])).some((view) => view.name === name) ? true : undefined;

describe.skipIf(NO_HAPROXY)('PostgreSQL stopped for 10 s under load on a three-node cluster', () => {
  const cluster = useCluster({
    balance: 'roundrobin',
    beforeOthers: async (first, c) =>
      addServer(first, c, SERVER, [...(await c.everywhere()), '--', CLI_NODE, EVERYTHING]),
  });

  beforeAll(async () => {
    await waitRunningEverywhere(cluster(), SERVER);
  }, 30_000);

  it('open sessions keep answering, a write fails with exit 6, no daemon restarts, changes flow again after', async () => {
    const c = cluster();
    const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const pids = c.nodes.map((node) => node.pid());
    expect(pids.every((pid) => pid !== undefined)).toBe(true);

    let stopping = false;
    const loops = Array.from({ length: SESSIONS }, (_, k) => sessionLoop(c, k, () => stopping));
    await new Promise((resolve) => setTimeout(resolve, 500));

    c.pgStop();
    stoppedAt = Date.now();
    let during: Awaited<ReturnType<ClusterNode['run']>>;
    try {
      during = await n1.run(['server', 'add', 'outage', '--no-wait', '--', CLI_NODE, EVERYTHING]);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + OUTAGE_MS - Date.now())));
    } finally {
      c.pgStart();
    }
    // Load goes on across the restart, then stops.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stopping = true;
    const results = await Promise.all(loops);

    expect(during.code, `${during.stdout}\n${during.stderr}`).toBe(6);
    expect(results.flatMap((result) => result.errors)).toEqual([]);
    expect(results.reduce((sum, result) => sum + result.wrong, 0)).toBe(0);
    // Every session kept calling through the outage.
    for (const result of results) expect(result.calls).toBeGreaterThan(10);

    // No daemon restarted.
    expect(c.nodes.map((node) => node.pid())).toEqual(pids);
    for (const pid of pids) expect(isAlive(pid as number)).toBe(true);

    // Writes resume by themselves, and the change feed delivers them to the others again.
    await waitFor(
      'a write through n1 to succeed again',
      async () => {
        const added = await n1.run([
          'server',
          'add',
          'after',
          '--no-wait',
          ...c.mark('after'),
          '--',
          CLI_NODE,
          EVERYTHING,
        ]);
        return added.code === 0 ? true : undefined;
      },
      15_000,
    );
    await waitFor('n2 to list after', () => listed(n2, 'after'), 5_000);
    await waitFor('n3 to list after', () => listed(n3, 'after'), 5_000);
    // The write refused during the outage left nothing behind.
    expect(await listed(n3, 'outage')).toBeUndefined();
  }, 50_000);
});
