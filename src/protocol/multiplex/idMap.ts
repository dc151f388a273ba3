import type { JsonRpcId } from '../jsonrpc.js';
import type { ProgressToken } from './progressTokens.js';

/** A request in flight upstream, under our upstream id. */
export interface PendingRequest<S> {
  /** Undefined for the gateway's own upkeep requests (shared subscriptions, the shared log level). */
  session: S | undefined;
  /** The client's own id (unused for upkeep requests). */
  clientId: JsonRpcId;
  method: string;
  progressToken: ProgressToken | undefined;
  /** The uri of a forwarded resources/subscribe, to undo its count if the upstream refuses it. */
  uri: string | undefined;
  /** performance.now() past which it fails unanswered; progress pushes it out, up to `limit`. */
  deadline: number;
  limit: number;
  /** performance.now() when it was sent, for the traffic summary's duration. */
  sentAt: number;
  /** The client's params (a reference, not a copy): what the traffic summary may show of it. */
  params: Record<string, unknown> | undefined;
}

/**
 * Upstream ids for requests from many sessions. A counter gives unique numbers; they never
 * collide with the stdio connection's own ids, which are prefixed strings. Insertion order
 * is age order, which is what guessing the caller of a server-to-client request needs.
 */
export class UpstreamRequests<S> {
  private nextId = 1;
  private readonly byId = new Map<number, PendingRequest<S>>();
  /** How many entries belong to sessions (the rest are upkeep). */
  private sessionRequests = 0;

  /** Records a request; returns its upstream id. */
  add(entry: PendingRequest<S>): number {
    const id = this.nextId++;
    this.byId.set(id, entry);
    if (entry.session !== undefined) this.sessionRequests++;
    return id;
  }

  get(id: number | undefined): PendingRequest<S> | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Removes and returns the request an upstream answer belongs to. */
  take(id: JsonRpcId | null): PendingRequest<S> | undefined {
    if (typeof id !== 'number') return undefined;
    const entry = this.byId.get(id);
    if (entry !== undefined) this.delete(id);
    return entry;
  }

  delete(id: number): void {
    const entry = this.byId.get(id);
    if (entry === undefined) return;
    this.byId.delete(id);
    if (entry.session !== undefined) this.sessionRequests--;
  }

  /**
   * The session request a server-to-client request most likely serves: the latest
   * tools/call in flight (sampling, elicitation and roots come from tools), else the
   * latest request. Linear, but only server-to-client requests ask.
   */
  latestCaller(): PendingRequest<S> | undefined {
    let latest: PendingRequest<S> | undefined;
    let latestCall: PendingRequest<S> | undefined;
    for (const entry of this.byId.values()) {
      if (entry.session === undefined) continue;
      latest = entry;
      if (entry.method === 'tools/call') latestCall = entry;
    }
    return latestCall ?? latest;
  }

  /** The one session request in flight, when there is exactly one (upkeep requests aside, and they are few). */
  onlySessionRequest(): PendingRequest<S> | undefined {
    if (this.sessionRequests !== 1) return undefined;
    for (const entry of this.byId.values()) if (entry.session !== undefined) return entry;
    return undefined;
  }

  get size(): number {
    return this.byId.size;
  }

  /** The upstream ids in flight now. */
  ids(): number[] {
    return [...this.byId.keys()];
  }

  /** Removes and returns the requests whose deadline passed. Linear, but run by a sweep, not per request. */
  takeExpired(now: number): [number, PendingRequest<S>][] {
    const expired: [number, PendingRequest<S>][] = [];
    for (const [id, entry] of this.byId) if (entry.deadline <= now) expired.push([id, entry]);
    for (const [id] of expired) this.delete(id);
    return expired;
  }

  /** Forgets everything (the upstream is gone); returns what was in flight. */
  drain(): PendingRequest<S>[] {
    const entries = [...this.byId.values()];
    this.byId.clear();
    this.sessionRequests = 0;
    return entries;
  }
}
