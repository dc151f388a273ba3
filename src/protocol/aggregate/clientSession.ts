import type { JsonRpcId, JsonRpcMessage } from '../jsonrpc.js';
import type { ClientInfo, SessionOutput } from '../session.js';
import type { MemberLink } from './memberLink.js';

/** A server-to-client request from a member, under the id the client sees. */
export interface MemberServerRequest {
  link: MemberLink;
  /** The member session's id for it. */
  id: JsonRpcId;
}

/** One client's session on a profile: its member sessions and what is in flight on them. */
export class AggregateSession {
  initialized = false;
  closed = false;
  /** The client's initialize params, sent as they are to each member session it opens. */
  hello: Record<string, unknown> = {};
  protocolVersion: string | undefined;
  clientInfo: ClientInfo | undefined;
  logLevel: string | undefined;
  /** Member name → this session's session on it, opened at the first request routed there. */
  readonly links = new Map<string, MemberLink>();
  /** The client's id of each request in flight → the member session serving it. */
  readonly inflight = new Map<JsonRpcId, MemberLink>();
  /** Members' server-to-client requests: ids from several members must not collide at the client. */
  readonly serverRequests = new Map<JsonRpcId, MemberServerRequest>();
  private nextServerRequestId = 1;

  constructor(
    readonly id: string,
    private readonly output: SessionOutput,
  ) {}

  deliver(message: JsonRpcMessage, related?: JsonRpcId): void {
    if (!this.closed) this.output.deliver(message, related);
  }

  end(reason: string): void {
    this.output.close(reason);
  }

  serverRequestId(entry: MemberServerRequest): number {
    const id = this.nextServerRequestId++;
    this.serverRequests.set(id, entry);
    return id;
  }
}
