import { expect } from 'vitest';
import type { MetricsSnapshot } from '../../src/core/api.js';
import { INSPECTOR, waitFor } from './cli.js';
import type { Cluster, ClusterNode } from './cluster.js';
import { runProcess } from './run.js';

/** What the cluster end-to-end tests do alike: define a server, wait for it, read the forwarding count, inspect. */

/** `server add NAME` (marked for the process counts) through `node`; `args` are the flags and `-- COMMAND...`. */
export async function addServer(node: ClusterNode, c: Cluster, name: string, args: string[]): Promise<void> {
  const added = await node.run(['server', 'add', name, ...c.mark(name), ...args]);
  if (added.code !== 0) throw new Error(`server add ${name}: ${added.stderr}`);
}

export async function serverRuns(node: ClusterNode, name: string): Promise<true | undefined> {
  const view = await node.json<{ state: string }>(['server', 'show', name]);
  return view.state === 'running' ? true : undefined;
}

/** Waits until `name` runs on every node of the cluster (a `--replicas all` server). */
export async function waitRunningEverywhere(c: Cluster, name: string): Promise<void> {
  for (const node of c.nodes) await waitFor(`${name} to run on ${node.name}`, () => serverRuns(node, name));
}

/** Requests this node relayed to another one, every reason summed (`gateway.forwarded`). */
export async function forwardedBy(node: ClusterNode): Promise<number> {
  const { forwarded } = (await node.json<MetricsSnapshot>(['metrics'])).gateway;
  return Object.values(forwarded).reduce((sum, count) => sum + count, 0);
}

/** The official inspector CLI through the balancer: `tools/list` has echo, `tools/call echo` answers `message`. */
export async function expectInspectorThrough(c: Cluster, server: string, message: string): Promise<void> {
  const inspector = (args: string[]) =>
    runProcess(process.execPath, [INSPECTOR, '--cli', c.endpoint(server), '--transport', 'http', '--method', ...args]);
  const [list, call] = await Promise.all([
    inspector(['tools/list']),
    inspector(['tools/call', '--tool-name', 'echo', '--tool-arg', `message=${message}`]),
  ]);
  expect(list.code, `${list.stderr}\n${c.balancer.output()}`).toBe(0);
  const tools = (JSON.parse(list.stdout) as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name);
  expect(tools).toContain('echo');
  expect(call.code, call.stderr).toBe(0);
  expect(JSON.parse(call.stdout)).toEqual({ content: [{ type: 'text', text: `Echo: ${message}` }] });
}
