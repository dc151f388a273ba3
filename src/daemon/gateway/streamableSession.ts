import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
  errorResponse,
  isNotification,
  type JsonRpcError,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcRequest,
  type JsonRpcResponse,
  RPC_ERROR,
} from '../../protocol/jsonrpc.js';
import type { BackendSession, SessionOutput } from '../../protocol/session.js';
import type { Logger } from '../../shared/logger.js';
import { EventStream } from './eventStream.js';
import { Exchange, type StreamHost } from './exchange.js';
import { isRequestMessage } from './framing.js';
import { ASSUMED_PROTOCOL_VERSION, wantsPrimingEvent } from './protocolVersion.js';
import { sendEmpty, sendJsonText, sendRpcError, shuttingDown } from './replies.js';
import {
  ConnectionTracker,
  closeBackendQuietly,
  newSessionInfo,
  type RegisteredSession,
  type SessionRegistry,
} from './sessionRegistry.js';
import { SLOW_CLIENT, type SseHub, SseWriter } from './sseWriter.js';
import type { GatewaySessionInfo } from './types.js';

/** Finished POST streams kept per session for late resumption; older ones are forgotten. */
const MAX_KEPT_STREAMS = 16;
const STANDALONE_STREAM = 0;

/**
 * One Streamable HTTP session: routes what the backend delivers to the POST that caused
 * it (by the client's request id) or to the standalone GET stream, and keeps the streams
 * resumable. Knows HTTP only as far as handing responses to exchanges and writers.
 */
export class StreamableSession implements SessionOutput, RegisteredSession, StreamHost {
  readonly info: GatewaySessionInfo;
  readonly streamHeaders: OutgoingHttpHeaders;
  /** Negotiated in the initialize answer; until then what the spec assumes. */
  protocolVersion = ASSUMED_PROTOCOL_VERSION;
  private readonly connections: ConnectionTracker;
  private backend: BackendSession | undefined;
  private readonly pending = new Map<JsonRpcId, Exchange>();
  private readonly streams = new Map<number, EventStream>();
  private nextStreamNo = STANDALONE_STREAM + 1;
  private initializeId: JsonRpcId | undefined;
  private ending = false;
  private ended = false;
  /** Given to each stream: a client that stops reading any of them loses the session. */
  private readonly cutOff = (): void => {
    if (this.ending) return;
    this.logger.warn(
      { sessionId: this.info.id, server: this.info.server, maxUnreadBytes: this.hub.maxUnreadBytes },
      'gateway cut off a client that stopped reading its stream',
    );
    this.end(SLOW_CLIENT, false);
  };
  /** Whether a GET ever opened the standalone stream: the first one gets what was kept for it. */
  private standaloneOpened = false;

  constructor(
    id: string,
    server: string,
    readonly hub: SseHub,
    private readonly registry: SessionRegistry,
    private readonly logger: Logger,
  ) {
    this.info = newSessionInfo(id, server, 'streamable-http');
    this.streamHeaders = { 'mcp-session-id': id };
    this.connections = new ConnectionTracker(this.info);
  }

  get idle(): boolean {
    return this.connections.idle;
  }

  /** False once the session is ending: a request that raced the end gets 404. */
  get isOpen(): boolean {
    return !this.ending;
  }

  get priming(): boolean {
    return wantsPrimingEvent(this.protocolVersion);
  }

  attach(backend: BackendSession): void {
    this.backend = backend;
  }

  track(res: ServerResponse): void {
    this.connections.track(res);
  }

  /** The first POST: its answer carries the new session's id. */
  initialize(res: ServerResponse, request: JsonRpcRequest): void {
    this.initializeId = request.id;
    this.dispatch(res, [request], [], false, this.streamHeaders);
  }

  /**
   * Sends a POST's messages to the backend. Requests get an Exchange that answers the POST;
   * a POST of notifications and responses only is answered 202 at once.
   */
  dispatch(
    res: ServerResponse,
    messages: JsonRpcMessage[],
    preset: JsonRpcError[],
    batch: boolean,
    jsonHeaders?: OutgoingHttpHeaders,
  ): void {
    this.info.errors += preset.length;
    const accepted: JsonRpcMessage[] = [];
    const ids = new Set<JsonRpcId>();
    for (const message of messages) {
      const problem = this.rejection(message, ids);
      if (problem === undefined) {
        accepted.push(message);
        continue;
      }
      this.info.errors += 1;
      if (!batch) {
        sendRpcError(res, 400, RPC_ERROR.invalidRequest, problem);
        return;
      }
      preset.push(errorResponse(null, RPC_ERROR.invalidRequest, problem));
    }
    if (ids.size === 0) {
      let ok = true;
      for (const message of accepted) ok = this.forwardAndSettle(message) && ok;
      if (!ok) sendRpcError(res, 500, RPC_ERROR.internalError, 'Internal error: the session backend failed');
      else if (preset.length > 0) sendJsonText(res, JSON.stringify(preset));
      else sendEmpty(res, 202);
      return;
    }
    const gate = this.registry.requests;
    if (gate.draining) {
      shuttingDown(res);
      return;
    }
    const exchange = new Exchange(this, res, ids.size, batch, preset, jsonHeaders);
    for (const id of ids) this.pending.set(id, exchange);
    this.info.requests += ids.size;
    gate.started(ids.size);
    for (const message of accepted) this.forwardAndSettle(message);
  }

  /** Forwards a message; a client's cancellation also ends the wait for the cancelled request's answer. */
  private forwardAndSettle(message: JsonRpcMessage): boolean {
    const ok = this.forward(message);
    const cancelled = cancelledRequestId(message);
    // initialize cannot be cancelled (spec): its answer decides whether the session exists.
    const exchange =
      cancelled === undefined || cancelled === this.initializeId ? undefined : this.pending.get(cancelled);
    if (cancelled !== undefined && exchange !== undefined) {
      this.pending.delete(cancelled);
      this.registry.requests.settled(1);
      exchange.cancel();
    }
    return ok;
  }

  /** Why a message cannot go to the backend, or undefined; records accepted request ids. */
  private rejection(message: JsonRpcMessage, ids: Set<JsonRpcId>): string | undefined {
    if (!isRequestMessage(message)) return undefined;
    if (message.method === 'initialize' && message.id !== this.initializeId) {
      return 'Invalid Request: this session is already initialized';
    }
    if (ids.has(message.id) || this.pending.has(message.id)) {
      return `Invalid Request: request id ${JSON.stringify(message.id)} is already in use in this session`;
    }
    ids.add(message.id);
    return undefined;
  }

  /** Backend failures stay inside this session: a request gets an internal error as its answer. */
  private forward(message: JsonRpcMessage): boolean {
    try {
      (this.backend as BackendSession).receive(message);
      return true;
    } catch (error) {
      this.logger.warn({ err: error, sessionId: this.info.id }, 'gateway session backend failed to take a message');
      if (isRequestMessage(message)) {
        this.deliver(errorResponse(message.id, RPC_ERROR.internalError, 'Internal error: the session backend failed'));
      }
      return false;
    }
  }

  /** Never throws: the backend calling this may be serving other sessions too. */
  deliver(message: JsonRpcMessage, relatedRequestId?: JsonRpcId): void {
    if (this.ended) return;
    try {
      this.route(message, relatedRequestId);
    } catch (error) {
      this.logger.error({ err: error, sessionId: this.info.id }, 'gateway failed to deliver a message');
    }
  }

  private route(message: JsonRpcMessage, relatedRequestId: JsonRpcId | undefined): void {
    if ('method' in message) {
      const exchange = relatedRequestId === undefined ? undefined : this.pending.get(relatedRequestId);
      if (exchange !== undefined) exchange.deliver(message, false);
      else this.standaloneFor(message)?.append(message);
      return;
    }
    if ('error' in message) this.info.errors += 1;
    const key = message.id ?? relatedRequestId;
    const exchange = key === undefined ? undefined : this.pending.get(key);
    // An answer to nothing open (already answered, or its session was reset) has nowhere to go.
    if (exchange === undefined || key === undefined) return;
    this.pending.delete(key);
    this.registry.requests.settled(1);
    const initialized = key === this.initializeId ? this.settleInitialize(message, exchange) : true;
    exchange.deliver(message, true);
    if (!initialized) this.end('initialize failed', false);
  }

  private settleInitialize(message: JsonRpcResponse, exchange: Exchange): boolean {
    this.initializeId = undefined;
    if (!('result' in message)) {
      exchange.dropJsonHeaders();
      return false;
    }
    const version = message.result.protocolVersion;
    if (typeof version === 'string') this.protocolVersion = version;
    return true;
  }

  close(reason: string): void {
    this.end(reason, true);
  }

  openStream(): EventStream {
    const stream = new EventStream(this.nextStreamNo++, this.cutOff);
    this.streams.set(stream.no, stream);
    if (this.streams.size > MAX_KEPT_STREAMS) {
      for (const [no, old] of this.streams) {
        if (this.streams.size <= MAX_KEPT_STREAMS) break;
        if (old.finished) this.streams.delete(no);
      }
    }
    return stream;
  }

  /**
   * Where a message for the standalone stream goes. A server request that comes before the
   * client's first GET (servers ask for roots right after initialize, and the client opens its
   * GET only after that) is kept for that GET: lost, the server would wait on it. A
   * notification then is not worth keeping.
   */
  private standaloneFor(message: JsonRpcMessage): EventStream | undefined {
    const stream = this.streams.get(STANDALONE_STREAM);
    if (stream !== undefined || this.standaloneOpened || !isRequestMessage(message)) return stream;
    const waiting = new EventStream(STANDALONE_STREAM, this.cutOff);
    this.streams.set(STANDALONE_STREAM, waiting);
    return waiting;
  }

  /** GET without Last-Event-ID; false when a standalone stream is already connected. */
  openStandalone(res: ServerResponse): boolean {
    let stream = this.streams.get(STANDALONE_STREAM);
    if (stream?.connected) return false;
    if (stream === undefined) {
      stream = new EventStream(STANDALONE_STREAM, this.cutOff);
      this.streams.set(STANDALONE_STREAM, stream);
    }
    const target = stream;
    const replayFrom = this.standaloneOpened ? undefined : 0;
    this.standaloneOpened = true;
    target.attach(new SseWriter(res, this.hub, this.streamHeaders, (writer) => target.detach(writer)), replayFrom);
    return true;
  }

  /** GET with Last-Event-ID: replays that stream's later events; false for a stream this session does not have. */
  resume(res: ServerResponse, no: number, afterSeq: number): boolean {
    const stream = this.streams.get(no);
    if (stream === undefined) return false;
    stream.attach(new SseWriter(res, this.hub, this.streamHeaders, (writer) => stream.detach(writer)), afterSeq);
    return true;
  }

  end(reason: string, fromBackend: boolean): void {
    if (this.ending) return;
    this.ending = true;
    this.registry.remove(this.info.id, reason);
    if (!fromBackend) closeBackendQuietly(this.backend, this.logger, this.info.id);
    // Set after the backend's close: answers it sends while closing still reach their requests.
    this.ended = true;
    const pending = [...this.pending];
    this.pending.clear();
    for (const [id, exchange] of pending) {
      exchange.deliver(errorResponse(id, RPC_ERROR.connectionClosed, `Connection closed: ${reason}`), true);
    }
    if (pending.length > 0) this.registry.requests.settled(pending.length);
    for (const stream of this.streams.values()) stream.finish();
  }
}

/** The request a `notifications/cancelled` names, if the message is one. */
function cancelledRequestId(message: JsonRpcMessage): JsonRpcId | undefined {
  if (!isNotification(message) || message.method !== 'notifications/cancelled') return undefined;
  const id = message.params?.requestId;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}
