import {
  type JsonRpcErrorObject,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  RPC_ERROR,
} from '../jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../session.js';

/**
 * Ids of the aggregator's own requests on a member session. A client id with this prefix is
 * refused (AggregateBackend), so an answer carrying one is always the aggregator's.
 */
export const INTERNAL_ID_PREFIX = 'mcpctl-aggregate:';

export function isInternalId(id: unknown): boolean {
  return typeof id === 'string' && id.startsWith(INTERNAL_ID_PREFIX);
}

/** A member refused or could not answer one of the aggregator's own requests. */
export class MemberRequestError extends Error {
  constructor(
    readonly error: JsonRpcErrorObject,
    readonly member: string,
  ) {
    super(`server '${member}': ${error.message}`);
  }
}

export interface MemberLinkHandlers {
  /** Everything from the member that is not an answer to the link's own requests. */
  message(link: MemberLink, message: JsonRpcMessage, related: JsonRpcId | undefined): void;
  /** The member ended the session (it stopped, or its restarts gave up). */
  closed(link: MemberLink, reason: string): void;
}

interface Waiting {
  resolve(result: Record<string, unknown>): void;
  reject(error: MemberRequestError): void;
}

/**
 * One session on one member's backend, as the aggregator holds it: for a client (its requests
 * pass through with the client's own ids, which the member's multiplexer rewrites) or for the
 * aggregator's catalog. Requests of the aggregator's own get ids no client can use.
 */
export class MemberLink implements SessionOutput {
  closed = false;
  private readonly session: BackendSession;
  private nextId = 1;
  private readonly waiting = new Map<string, Waiting>();

  /** Throws what the backend's open throws (e.g. a full isolated pool). */
  constructor(
    readonly member: string,
    readonly backend: SessionBackend,
    sessionId: string,
    private readonly handlers: MemberLinkHandlers,
  ) {
    this.session = backend.open(sessionId, this);
  }

  deliver(message: JsonRpcMessage, related?: JsonRpcId): void {
    if (this.closed) return;
    if (!('method' in message) && isInternalId(message.id)) {
      const waiting = this.waiting.get(message.id as string);
      if (waiting === undefined) return;
      this.waiting.delete(message.id as string);
      if ('result' in message) waiting.resolve(message.result);
      else waiting.reject(new MemberRequestError(message.error, this.member));
      return;
    }
    this.handlers.message(this, message, related);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.failWaiting(`the session ended: ${reason}`);
    this.handlers.closed(this, reason);
  }

  send(message: JsonRpcMessage): void {
    if (!this.closed) this.session.receive(message);
  }

  notify(method: string, params?: Record<string, unknown>): void {
    const message: JsonRpcNotification =
      params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
    this.send(message);
  }

  request(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.closed) {
      const error = { code: RPC_ERROR.connectionClosed, message: 'the session is closed' };
      return Promise.reject(new MemberRequestError(error, this.member));
    }
    const id = `${INTERNAL_ID_PREFIX}${this.nextId++}`;
    const request: JsonRpcRequest =
      params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params };
    const answered = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
    });
    this.session.receive(request);
    return answered;
  }

  /** The aggregator lets go of the session (client left, member removed or replaced). */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.failWaiting('the profile closed the session');
    this.session.close();
  }

  private failWaiting(message: string): void {
    const error = new MemberRequestError({ code: RPC_ERROR.connectionClosed, message }, this.member);
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
