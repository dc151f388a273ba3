import {
  errorResponse,
  type JsonRpcError,
  type JsonRpcId,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  RPC_ERROR,
} from '../jsonrpc.js';
import { missingCapability } from './clientCapabilities.js';
import type { UpstreamRequests } from './idMap.js';
import { progressTokenOf, requestIdOfToken } from './progressTokens.js';
import type { SharedSessionState } from './sessionState.js';

type Session = SharedSessionState;

type Send = (message: JsonRpcResponse) => void;

interface OpenRequest {
  upstreamId: JsonRpcId;
  session: Session;
  /** Where its answer goes when not to the current upstream (one being retired asked it). */
  reply: Send | undefined;
}

/** A client's answer (or the daemon's refusal) for the upstream, and the upstream that asked, when not the current one. */
export interface UpstreamAnswer {
  answer: JsonRpcResponse;
  reply: Send | undefined;
}

/**
 * Server-to-client requests (sampling, elicitation, roots/list, ...) on a shared upstream:
 * picks the session that caused each one, gives it a fresh id towards that session (so two
 * sessions' answers never collide) and maps the client's answer back to the upstream's id.
 */
export class ServerRequests {
  private nextId = 1;
  private readonly open = new Map<JsonRpcId, OpenRequest>();

  constructor(
    private readonly serverName: string,
    private readonly pending: UpstreamRequests<Session>,
    private readonly sessions: ReadonlyMap<string, Session>,
  ) {}

  /** Hands the request to its session; returns the upstream's error answer when no session may take it. */
  route(request: JsonRpcRequest, reply?: Send): JsonRpcError | undefined {
    const caller = this.chooseCaller(request);
    if (caller === undefined) {
      const message = `no session of ${this.serverName} can take ${request.method}: no client request is in flight`;
      return errorResponse(request.id, RPC_ERROR.methodNotFound, message);
    }
    const { session, related } = caller;
    const missing = missingCapability(session.capabilities, request);
    if (missing !== undefined) {
      const message = `the client of session ${session.id} did not declare the ${missing} capability, so it cannot take ${request.method}`;
      return errorResponse(request.id, RPC_ERROR.methodNotFound, message);
    }
    const localId = this.nextId++;
    this.open.set(localId, { upstreamId: request.id, session, reply });
    session.deliver({ ...request, id: localId }, related);
    return undefined;
  }

  /** A client's answer rewritten for the upstream; undefined if it answers no open request of that session. */
  answerFrom(session: Session, response: JsonRpcResponse): UpstreamAnswer | undefined {
    const entry = response.id === null ? undefined : this.open.get(response.id);
    if (entry === undefined || entry.session !== session || response.id === null) return undefined;
    this.open.delete(response.id);
    const answer: JsonRpcResponse =
      'result' in response
        ? { jsonrpc: '2.0', id: entry.upstreamId, result: response.result }
        : { jsonrpc: '2.0', id: entry.upstreamId, error: response.error };
    return { answer, reply: entry.reply };
  }

  /** The upstream gave up a request: tell the session. Linear, as server cancellations are rare. */
  cancelledUpstream(params: Record<string, unknown> | undefined): void {
    const requestId = params?.requestId;
    for (const [localId, entry] of this.open) {
      if (entry.upstreamId !== requestId) continue;
      this.open.delete(localId);
      entry.session.deliver(cancelled({ ...params, requestId: localId }));
      return;
    }
  }

  /** Forgets a closing session's requests; returns the refusals the upstream is owed. */
  dropSession(session: Session): UpstreamAnswer[] {
    const refusals: UpstreamAnswer[] = [];
    for (const [localId, entry] of this.open) {
      if (entry.session !== session) continue;
      this.open.delete(localId);
      const message = `the client of session ${session.id} disconnected`;
      refusals.push({
        answer: errorResponse(entry.upstreamId, RPC_ERROR.connectionClosed, message),
        reply: entry.reply,
      });
    }
    return refusals;
  }

  /**
   * The upstream is gone: its open requests are withdrawn from their sessions. `reply`: only those
   * a retired upstream asked (it is gone, the current one stays).
   */
  drain(reason: string, reply?: Send): void {
    const entries = [...this.open].filter(([, entry]) => reply === undefined || entry.reply === reply);
    for (const [localId, entry] of entries) {
      this.open.delete(localId);
      entry.session.deliver(cancelled({ requestId: localId, reason }));
    }
  }

  /**
   * Stdio carries no hint of which request a server-to-client request serves, so guess:
   * our progress token if the server passed it on, else the latest tools/call in flight
   * (sampling, elicitation and roots come from tools), else the latest request in flight,
   * else the only session.
   */
  private chooseCaller(request: JsonRpcRequest): { session: Session; related: JsonRpcId | undefined } | undefined {
    const hinted = this.pending.get(requestIdOfToken(progressTokenOf(request.params)));
    const caller = hinted?.session !== undefined ? hinted : this.pending.latestCaller();
    if (caller?.session !== undefined) return { session: caller.session, related: caller.clientId };
    let only: Session | undefined;
    for (const session of this.sessions.values()) {
      if (!session.initialized) continue;
      if (only !== undefined) return undefined;
      only = session;
    }
    return only === undefined ? undefined : { session: only, related: undefined };
  }
}

function cancelled(params: Record<string, unknown>): JsonRpcNotification {
  return { jsonrpc: '2.0', method: 'notifications/cancelled', params };
}
