import type { RelayTarget } from '../../daemon/gateway/relay.js';
import { profileOfTarget } from '../../daemon/gateway/route.js';
import { newSessionId } from '../../daemon/gateway/sessionIds.js';
import type { GatewayForwarding } from '../../daemon/gateway/types.js';
import type { CallContext } from '../../shared/principal.js';
import type { Store, StoredSession } from '../../store/types.js';
import type { ServerSpec } from '../servers/definition.js';
import type { ClusterView } from './clusterView.js';
import type { NodeCredential } from './nodeCredential.js';
import { NODE_NAME_PATTERN } from './nodeName.js';
import { nodesRunning } from './placement.js';

/** Sessions whose owner this node learned, kept for their next requests (oldest forgotten first). */
const MAX_KNOWN_OWNERS = 10_000;

/**
 * The owner's row is written just after its gateway opened the session: a request landing here
 * right after the initialize may look before it lands. Waits between reads of a missing row
 * (about 0.4 s in all): only ids no node ever recorded pay it.
 */
const MISSING_ROW_RETRIES_MS = [10, 25, 50, 100, 200];

/** Between a session id's random part and its owner's name: a character no node name has. */
const OWNER_MARK = '~';

/** The owner a session id names (`RANDOM~NODE`, minted by newSessionId below), if it names one. */
export function ownerNamedIn(sessionId: string): string | undefined {
  const at = sessionId.lastIndexOf(OWNER_MARK);
  if (at < 0) return undefined;
  const node = sessionId.slice(at + 1);
  return NODE_NAME_PATTERN.test(node) ? node : undefined;
}

export interface SessionForwardingOptions {
  store: Store;
  view: ClusterView;
  credential: NodeCredential;
  self: string;
  /** The definition of a server this node knows (placement asks where it runs). */
  spec(name: string): ServerSpec | undefined;
  /** Tests make the waits for a missing row shorter. */
  retriesMs?: readonly number[];
}

/**
 * Where a gateway request goes when this node cannot serve it (the gateway asks only then): the
 * node that owns its session, by the session history (`sessions.node`), when that node is live
 * and advertises its TLS listener; or, for an initialize, a node that runs the server
 * (`nodesRunning`). Each relayed request carries the node credential asserting its caller.
 */
export class SessionForwarding implements GatewayForwarding {
  private readonly owners = new Map<string, string>();
  private round = 0;
  private lastLook = 0;

  constructor(private readonly options: SessionForwardingOptions) {}

  async owner(sessionId: string, call: CallContext): Promise<RelayTarget | undefined> {
    // Alone (as far as it knows, read again at most once a second): no store read, no wait for a row.
    if (!(await this.othersReachable())) return undefined;
    // The id names its owner: no store read, so sessions are still relayed while the store is away.
    const node = this.owners.get(sessionId) ?? ownerNamedIn(sessionId) ?? (await this.ownerInStore(sessionId));
    // Its own (this node restarted since it opened it): gone.
    if (node === undefined || node === this.options.self) return undefined;
    const target = (await this.targetOf(node, call)) ?? undefined;
    if (target === undefined) this.owners.delete(sessionId);
    return target;
  }

  placement(target: string, call: CallContext): RelayTarget | undefined {
    if (profileOfTarget(target) !== undefined) return undefined;
    const spec = this.options.spec(target);
    if (spec === undefined) return undefined;
    const { view, self } = this.options;
    const running = nodesRunning(spec, view.leases(), view.liveNodes());
    if (running.length === 0 || running.includes(self)) return undefined;
    const reachable = running.filter((name) => this.reachable(name));
    if (reachable.length === 0) return undefined;
    this.round = (this.round + 1) % reachable.length;
    return this.relayTarget(reachable[this.round] as string, call);
  }

  learned(sessionId: string, node: string): void {
    this.remember(sessionId, node);
  }

  lost(sessionId: string): void {
    this.owners.delete(sessionId);
  }

  newSessionId(): string {
    return `${newSessionId()}${OWNER_MARK}${this.options.self}`;
  }

  private async ownerInStore(sessionId: string): Promise<string | undefined> {
    const { store, self } = this.options;
    let row: StoredSession | undefined = await store.sessions.get(sessionId);
    for (const wait of this.options.retriesMs ?? MISSING_ROW_RETRIES_MS) {
      if (row !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
      row = await store.sessions.get(sessionId);
    }
    // Ended, recorded before nodes existed, or this node's own (then it is gone: this node restarted).
    if (row === undefined || row.closedAt !== null || row.node === null || row.node === self) return undefined;
    this.remember(sessionId, row.node);
    return row.node;
  }

  /** The owner as a relay target, reading the nodes again when it is not known live yet. */
  private async targetOf(node: string, call: CallContext): Promise<RelayTarget | undefined> {
    if (!this.reachable(node)) await this.options.view.refresh();
    return this.reachable(node) ? this.relayTarget(node, call) : undefined;
  }

  private async othersReachable(): Promise<boolean> {
    const { view, self } = this.options;
    const any = () => view.liveNodes().some((name) => name !== self && this.reachable(name));
    if (any()) return true;
    const now = Date.now();
    if (now - this.lastLook < 1000) return false;
    this.lastLook = now;
    await view.refresh();
    return any();
  }

  private reachable(node: string): boolean {
    const stored = this.options.view.node(node);
    return stored?.live === true && stored.url !== null && stored.fingerprint !== null;
  }

  private relayTarget(node: string, call: CallContext): RelayTarget {
    const stored = this.options.view.node(node);
    return {
      node,
      url: stored?.url ?? '',
      fingerprint: stored?.fingerprint ?? '',
      headers: this.options.credential.headers(call),
    };
  }

  private remember(sessionId: string, node: string): void {
    if (this.owners.size >= MAX_KNOWN_OWNERS) {
      const oldest = this.owners.keys().next().value;
      if (oldest !== undefined) this.owners.delete(oldest);
    }
    this.owners.set(sessionId, node);
  }
}
