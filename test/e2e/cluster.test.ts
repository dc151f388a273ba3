import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MetricsSnapshot, NodeView } from '../../src/core/api.js';
import { CLI_NODE, EVERYTHING, waitFor } from '../helpers/cli.js';
import { type Cluster, type ClusterNode, useCluster } from '../helpers/cluster.js';
import { addServer, expectInspectorThrough, forwardedBy, waitRunningEverywhere } from '../helpers/clusterServers.js';
import { NO_HAPROXY } from '../helpers/haproxy.js';

/**
 * Three daemons of the built binary on one real PostgreSQL, behind a real HAProxy with affinity on
 * Mcp-Session-Id (test/helpers/cluster.ts): the official inspector CLI and SDK sessions through the
 * balancer get every answer right, and each node lists all three. server-everything runs on every
 * node, so with affinity a session's requests all reach the node that opened it.
 */
const SERVER = 'everything';
const SESSIONS = 8;
const CALLS = 25;

async function messagesIn(node: ClusterNode): Promise<number> {
  return (await node.json<MetricsSnapshot>(['metrics'])).gateway.messagesIn;
}

async function echoSession(c: Cluster, k: number): Promise<{ wrong: number; errors: string[] }> {
  const client = new Client({ name: `cluster-e2e-${k}`, version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(c.endpoint(SERVER)));
  const errors: string[] = [];
  let wrong = 0;
  try {
    await client.connect(transport);
    for (let i = 0; i < CALLS; i++) {
      const message = `s${k}-c${i}-${Math.random().toString(36).slice(2)}`;
      try {
        const result = await client.callTool({ name: 'echo', arguments: { message } });
        if (JSON.stringify(result.content) !== JSON.stringify([{ type: 'text', text: `Echo: ${message}` }])) wrong++;
      } catch (error) {
        errors.push(`session ${k} call ${i}: ${(error as Error).message}`);
      }
    }
    await transport.terminateSession();
  } catch (error) {
    errors.push(`session ${k}: ${(error as Error).message}`);
  } finally {
    await client.close();
  }
  return { wrong, errors };
}

describe.skipIf(NO_HAPROXY)('three daemons on one PostgreSQL behind HAProxy with affinity on Mcp-Session-Id', () => {
  const cluster = useCluster({
    // Defined before the others start: each daemon loads it from the store at start-up.
    beforeOthers: async (first, c) =>
      addServer(first, c, SERVER, [...(await c.everywhere()), '--', CLI_NODE, EVERYTHING]),
  });

  beforeAll(async () => {
    await waitRunningEverywhere(cluster(), SERVER);
  }, 30_000);

  it('node ls on any node lists all three nodes live, itself marked', async () => {
    const c = cluster();
    for (const node of c.nodes) {
      const views = await node.json<NodeView[]>(['node', 'ls']);
      expect(
        views.map((view) => [view.name, view.live, view.self]),
        node.name,
      ).toEqual(c.nodes.map((other) => [other.name, true, other.name === node.name]));
    }
  });

  it('the official inspector CLI lists the tools and calls echo through the balancer', async () => {
    await expectInspectorThrough(cluster(), SERVER, 'through haproxy');
  });

  it(`${SESSIONS} SDK sessions × ${CALLS} calls through the balancer: 0 wrong answers, 0 errors, every node serving, nothing forwarded`, async () => {
    const c = cluster();
    const before = await Promise.all(c.nodes.map(messagesIn));
    const forwardedBefore = await Promise.all(c.nodes.map(forwardedBy));
    const results = await Promise.all(Array.from({ length: SESSIONS }, (_, k) => echoSession(c, k)));
    const errors = results.flatMap((result) => result.errors);
    expect(errors, c.balancer.output()).toEqual([]);
    expect(results.reduce((sum, result) => sum + result.wrong, 0)).toBe(0);
    // The balancer spreads new sessions round-robin: each node got some of them.
    const after = await Promise.all(c.nodes.map(messagesIn));
    const served = c.nodes.map((node, i) => [node.name, (after[i] ?? 0) - (before[i] ?? 0) > 0]);
    expect(served).toEqual(c.nodes.map((node) => [node.name, true]));
    // Affinity keeps every request of a session on the node that opened it: no node relayed one.
    const forwardedAfter = await Promise.all(c.nodes.map(forwardedBy));
    const forwarded = forwardedAfter.reduce((sum, n, i) => sum + n - (forwardedBefore[i] ?? 0), 0);
    expect(forwarded).toBe(0);
  });

  it('a server added through n1 is listed by n3 within 1 s', async () => {
    const c = cluster();
    const added = await c.node('n1').run(['server', 'add', 'late', ...c.mark('late'), '--', CLI_NODE, EVERYTHING]);
    expect(added.code, added.stderr).toBe(0);
    const since = Date.now();
    // Each poll is a whole CLI run; the first that lists it ended at most this long after the add returned.
    await waitFor(
      'n3 to list late',
      async () => {
        const views = await c.node('n3').json<Array<{ name: string }>>(['server', 'ls']);
        return views.some((view) => view.name === 'late') ? true : undefined;
      },
      5_000,
    );
    expect(Date.now() - since).toBeLessThan(1_000);
  });
});
