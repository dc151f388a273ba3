import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../shared/logger.js';
import type { CallContext } from '../../shared/principal.js';
import type { Store } from '../../store/types.js';
import type { SecretVault } from '../secrets/vault.js';
import type { ServerSpec } from '../servers/definition.js';
import { ClusterView } from './clusterView.js';
import { NodeCredential } from './nodeCredential.js';
import { SessionForwarding } from './sessionForwarding.js';

export interface ClusterForwarding {
  forwarding: SessionForwarding;
  view: ClusterView;
  /** The remote listener's check of a forwarded request's node credential. */
  verify(req: IncomingMessage): CallContext | 'refused' | undefined;
  stop(): void;
}

/**
 * Forwarding between the nodes of a cluster, for a daemon on a shared store: its node credential
 * comes from the master key every node is given (MCPCTL_MASTER_KEY); without one this node
 * neither forwards nor accepts forwarded requests (it says so once), and serves as before.
 */
export async function clusterForwarding(deps: {
  store: Store;
  vault: SecretVault;
  node: string;
  logger: Logger;
  spec(name: string): ServerSpec | undefined;
}): Promise<ClusterForwarding | undefined> {
  const { logger, node } = deps;
  let key: Buffer | undefined;
  try {
    key = await deps.vault.keyMaterial();
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'the master key does not open: no forwarding between nodes');
    return undefined;
  }
  if (key === undefined) {
    logger.info(
      { node },
      'no master key: this node does not forward requests to, nor accept them from, the other nodes (give every node the same MCPCTL_MASTER_KEY)',
    );
    return undefined;
  }
  const credential = new NodeCredential(key, node);
  const view = new ClusterView({ store: deps.store, self: node, logger });
  await view.start();
  const forwarding = new SessionForwarding({
    store: deps.store,
    view,
    credential,
    self: node,
    spec: deps.spec,
  });
  return {
    forwarding,
    view,
    verify: (req) => credential.verify(req.headers),
    stop: () => view.stop(),
  };
}
