import type { StoredLease } from '../../store/types.js';
import type { ServerSpec } from '../servers/definition.js';

/**
 * Which nodes run a server now. MINIMAL VERSION (the `placement` helper owns the real one, with
 * `replicas` and the `server/NAME/SLOT` leases): every definition counts as `replicas: all`, run by
 * every live node, so it never sends an initialize elsewhere. The signature is the cluster's contract.
 */
export function nodesRunning(
  _spec: ServerSpec,
  _leases: readonly StoredLease[],
  liveNodes: readonly string[],
): string[] {
  return [...liveNodes];
}
