import type { Store, StoredNode } from '../../store/types.js';
import type { ControlHandlers, NodeView } from '../api.js';
import { NODE_LIVE_TTL_MS } from './heartbeat.js';

function count(load: StoredNode['load'], key: string): number {
  const value = load[key];
  return typeof value === 'number' ? value : 0;
}

export function toNodeView(stored: StoredNode, self: string): NodeView {
  return {
    name: stored.name,
    version: stored.version,
    lastHeartbeatAt: stored.lastHeartbeatAt,
    live: stored.live,
    self: stored.name === self,
    // A newer node may report more; an older one less: what is not a number counts 0.
    load: { serversRunning: count(stored.load, 'serversRunning'), sessionsOpen: count(stored.load, 'sessionsOpen') },
    url: stored.url,
  };
}

/** The `node` methods of ControlApi. */
export function createNodeHandlers(deps: { store: Store; node: string }): Pick<ControlHandlers, 'listNodes'> {
  return {
    async listNodes() {
      return (await deps.store.nodes.list(NODE_LIVE_TTL_MS)).map((stored) => toNodeView(stored, deps.node));
    },
  };
}
