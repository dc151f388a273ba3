import { createHash } from 'node:crypto';
import { byCodePoint } from '../../shared/compare.js';
import type { StoredLease } from '../../store/types.js';
import type { Replicas, ServerSpec } from '../servers/definition.js';

/**
 * Where a server runs in a cluster. A server of `replicas: N` runs where a node holds one of its N
 * lease slots `server/NAME/SLOT` (SLOT 0..N-1, at most one per node); `replicas: all` holds no
 * lease: every live node runs it. Pure: the lease keeper and the gateway's forwarding both ask it.
 */

export const SLOT_PREFIX = 'server/';

export function replicasOf(spec: Pick<ServerSpec, 'replicas'>): Replicas {
  return spec.replicas ?? 1;
}

export function slotResource(server: string, slot: number): string {
  return `${SLOT_PREFIX}${server}/${slot}`;
}

/** `server/NAME/SLOT` back to its parts; undefined for any other resource. */
export function parseSlotResource(resource: string): { server: string; slot: number } | undefined {
  if (!resource.startsWith(SLOT_PREFIX)) return undefined;
  const cut = resource.lastIndexOf('/');
  const slot = Number(resource.slice(cut + 1));
  if (cut < SLOT_PREFIX.length || !Number.isSafeInteger(slot) || slot < 0) return undefined;
  return { server: resource.slice(SLOT_PREFIX.length, cut), slot };
}

/** The nodes that hold a live slot of `server` below `replicas`, by name. */
export function slotHolders(server: string, replicas: number, leases: readonly StoredLease[]): Map<number, string> {
  const holders = new Map<number, string>();
  for (const lease of leases) {
    if (!lease.live) continue;
    const parsed = parseSlotResource(lease.resource);
    if (parsed?.server === server && parsed.slot < replicas) holders.set(parsed.slot, lease.holder);
  }
  return holders;
}

/** Who runs `spec` now: the live holders of its slots, or every live node for `all`; sorted, no repeats. */
export function nodesRunning(spec: ServerSpec, leases: readonly StoredLease[], liveNodes: readonly string[]): string[] {
  const replicas = replicasOf(spec);
  const live = new Set(liveNodes);
  const nodes = replicas === 'all' ? live : new Set(slotHolders(spec.name, replicas, leases).values());
  return [...nodes].filter((node) => live.has(node)).sort(byCodePoint);
}

function score(server: string, node: string): bigint {
  return createHash('sha256').update(server).update('\0').update(node).digest().readBigUInt64BE(0);
}

/**
 * `nodes` in rendezvous (highest random weight) order for `server`: every node computes the same
 * order from the same names, servers spread evenly, and a node leaving moves only its own servers.
 */
export function rendezvousOrder(server: string, nodes: readonly string[]): string[] {
  const scored = [...new Set(nodes)].map((node) => ({ node, score: score(server, node) }));
  scored.sort((a, b) => (a.score === b.score ? byCodePoint(a.node, b.node) : a.score > b.score ? -1 : 1));
  return scored.map(({ node }) => node);
}
