import { formatDuration } from '../../shared/duration.js';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { UpstreamIdentity } from '../handshake.js';
import {
  errorResponse,
  isNotification,
  isRequest,
  isResponse,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  RPC_ERROR,
} from '../jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../session.js';
import { type PendingRequest, UpstreamRequests } from './idMap.js';
import { initializeAnswer, readClientHello } from './initializeAnswer.js';
import { admits, LOG_LEVELS, levelName, levelRank, upstreamLevel } from './logLevels.js';
import { progressTokenOf, requestIdOfToken, toClientProgress, toUpstream } from './progressTokens.js';
import type { RootsSource } from './roots.js';
import { ServerRequests } from './serverRequests.js';
import { SharedSessionState, type SharedSessionStats } from './sessionState.js';
import { SubscriptionBook } from './subscriptions.js';
import type { TrafficOutcome, UpstreamTap } from './upstreamTap.js';

export interface SharedUpstreamOptions {
  identity: UpstreamIdentity;
  /** Writes to the upstream's stdin (StdioConnection.send). */
  send(message: JsonRpcMessage): void;
  logger: Logger;
  /** How errors name the server to clients (mcpctl's name for it); defaults to its serverInfo.name. */
  name?: string;
  /** Who answers the upstream's roots/list; default: the daemon, with no roots. */
  roots?: RootsSource;
  /** A request unanswered this long fails and is cancelled upstream (default 60 s)... */
  requestTimeoutMs?: number;
  /** ...and progress notifications extend that up to this long from its start (default 10 times it). */
  requestTimeoutMaxMs?: number;
  /** Told of the upstream's log messages and of each session request's end (the daemon's logs). */
  tap?: UpstreamTap;
}

/**
 * An upstream a new one took over from (a rollover): what it still owes is answered from it, then
 * it can go. Returned by SharedUpstream.upstreamHandover.
 */
export interface RetiringUpstream {
  /** Give it the old upstream's messages: its answers reach their sessions, its list changes are dropped. */
  receive(message: JsonRpcMessage): void;
  /** Resolves once no request sent to the old upstream waits for its answer (at once when none did). */
  readonly drained: Promise<void>;
  /** The old upstream is gone (stopped): what it still owed fails now, with `reason`. */
  abandon(reason: string): void;
}

interface Retiring {
  send(message: JsonRpcMessage): void;
  /** Upstream ids still in flight on it. */
  ids: Set<number>;
  done(): void;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

type Session = SharedSessionState;

const LIST_KINDS = ['tools', 'prompts', 'resources'] as const;

/**
 * Many sessions on one upstream stdio server: answers each session's initialize from the
 * upstream's, gives every forwarded request a unique upstream id (and progress token),
 * routes answers, progress and server-to-client requests back to the session that caused
 * them, fans out list changes, ref-counts subscriptions and keeps log levels per session.
 * The hot path (a request and its answer) is a few map operations and one small object each way.
 */
export class SharedUpstream implements SessionBackend {
  private identity: UpstreamIdentity;
  private sendUpstream: (message: JsonRpcMessage) => void;
  private readonly logger: Logger;
  private readonly name: string;
  private readonly sessions = new Map<string, Session>();
  private readonly pending = new UpstreamRequests<Session>();
  private readonly serverRequests: ServerRequests;
  private readonly subscriptions = new SubscriptionBook<Session>();
  /** Set while the upstream is gone: requests fail at once instead of waiting for nothing. */
  private lostReason: string | undefined;
  /** The log level we last set upstream; undefined = never set (the server's default). */
  private upstreamLogRank: number | undefined;
  private roots: RootsSource;
  /** Said once per server, not per request: a shared server asked for roots and none are configured. */
  private warnedNoRoots = false;
  private timeoutMs: number;
  private timeoutMaxMs: number;
  /** Set during a rollover while the old upstream still owes answers. */
  private retiring: Retiring | undefined;
  /**
   * One sweep timer per upstream, running while requests are in flight, fails those past their
   * deadline: the hot path only stamps a deadline, it never arms or clears a timer of its own.
   */
  private sweeper: NodeJS.Timeout | undefined;
  private sweepMs: number;
  private readonly tap: UpstreamTap | undefined;

  constructor(options: SharedUpstreamOptions) {
    this.identity = options.identity;
    this.sendUpstream = options.send;
    this.logger = options.logger;
    this.name = options.name ?? options.identity.serverInfo.name;
    this.serverRequests = new ServerRequests(this.name, this.pending, this.sessions);
    this.roots = options.roots ?? { from: 'server', roots: [] };
    this.timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
    this.timeoutMaxMs = this.timeoutMs;
    this.sweepMs = 0;
    this.setDeadlines(options);
    this.tap = options.tap;
    // The daemon may want a level of its own (a server's --log-level) before any session is here.
    this.syncLogLevel();
  }

  /** The level the daemon wants changed (an edited --log-level): set it upstream if it matters. */
  refreshLogLevel(): void {
    this.syncLogLevel();
  }

  /** New request deadlines (an edited server): requests sent from now on get them, those in flight keep theirs. */
  setDeadlines(options: { requestTimeoutMs?: number; requestTimeoutMaxMs?: number }): void {
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.timeoutMaxMs = Math.max(this.timeoutMs, options.requestTimeoutMaxMs ?? this.timeoutMs * 10);
    // A quarter of the timeout keeps a short one precise; a second is plenty for the usual minutes.
    this.sweepMs = Math.min(1000, Math.max(10, Math.floor(this.timeoutMs / 4)));
    if (this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = this.startSweeper();
    }
  }

  open(sessionId: string, output: SessionOutput): BackendSession {
    if (this.sessions.has(sessionId)) {
      throw new McpctlError('ALREADY_EXISTS', `session ${sessionId} is already open on ${this.name}`, {
        hint: 'open every session under a fresh id',
      });
    }
    const session = new SharedSessionState(sessionId, output);
    this.sessions.set(sessionId, session);
    return {
      id: sessionId,
      receive: (message) => this.fromClient(session, message),
      close: () => this.closeSession(session),
    };
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Per-session counters for `session ls`. */
  sessionStats(): SharedSessionStats[] {
    return [...this.sessions.values()].map((session) => session.stats());
  }

  /** One session's counters: a lookup, as it runs on every session's open and close. */
  sessionStatsOf(sessionId: string): SharedSessionStats | undefined {
    return this.sessions.get(sessionId)?.stats();
  }

  /** Every message from the upstream that is not an answer to the connection's own requests. */
  handleUpstream(message: JsonRpcMessage): void {
    if (!('method' in message)) this.upstreamResponse(message);
    else if ('id' in message) this.upstreamRequest(message);
    else this.upstreamNotification(message);
  }

  /** The upstream process is gone: every request in flight fails now, none is left hanging. */
  upstreamLost(reason: string): void {
    this.failInFlight(reason, `the upstream server ${this.name} exited (${reason}); retry the request`);
  }

  /**
   * A restarted upstream took over: sessions carry on, their subscriptions and log levels restored on it.
   * `roots`: the definition's, when it may have been edited meanwhile.
   */
  upstreamReplaced(identity: UpstreamIdentity, send: (message: JsonRpcMessage) => void, roots?: RootsSource): void {
    if (roots !== undefined) this.roots = roots;
    if (this.lostReason === undefined) this.upstreamLost('it was replaced');
    this.adopt(identity, send);
  }

  /**
   * A rollover: a new upstream, already initialized, takes over from the live one without a failed
   * request. Requests from now on go to the new one; those in flight on the old one are answered
   * from it (give its messages to the handover's `receive`) until it drained or is abandoned.
   * `roots`: the new definition's (a daemon-answered set), announced to the new upstream.
   */
  upstreamHandover(
    identity: UpstreamIdentity,
    send: (message: JsonRpcMessage) => void,
    roots?: RootsSource,
  ): RetiringUpstream {
    if (roots !== undefined) this.roots = roots;
    if (this.lostReason !== undefined) {
      this.upstreamReplaced(identity, send);
      return { receive: () => {}, drained: Promise.resolve(), abandon: () => {} };
    }
    this.retiring?.done(); // an earlier handover still draining: its old upstream is owed nothing more now
    let done = (): void => {};
    const drained = new Promise<void>((resolve) => {
      done = resolve;
    });
    const retired: Retiring = { send: this.sendUpstream, ids: new Set(this.pending.ids()), done: () => {} };
    retired.done = () => {
      if (this.retiring === retired) this.retiring = undefined;
      done();
    };
    if (retired.ids.size === 0) retired.done();
    else this.retiring = retired;
    this.upstreamLogRank = undefined; // the new process has its default level: set it again
    this.adopt(identity, send);
    // It may have asked for roots before it was bound here (and been refused): it should ask again.
    if (this.roots.from === 'server' && this.roots.roots.length > 0)
      send(notification('notifications/roots/list_changed'));
    return {
      receive: (message) => this.fromRetired(retired, message),
      drained,
      abandon: (reason) => this.abandon(retired, reason),
    };
  }

  private adopt(identity: UpstreamIdentity, send: (message: JsonRpcMessage) => void): void {
    const previous = this.identity.capabilities;
    this.identity = identity;
    this.sendUpstream = send;
    this.lostReason = undefined;
    for (const uri of this.subscriptions.uris()) this.upkeep('resources/subscribe', { uri });
    this.syncLogLevel();
    // A new process may expose other tools, prompts or resources: sessions should list again.
    for (const kind of LIST_KINDS) {
      const capability = previous[kind] as { listChanged?: unknown } | undefined;
      if (capability?.listChanged === true) this.broadcast(notification(`notifications/${kind}/list_changed`));
    }
  }

  /** Ends one session from the daemon's side (`session kill`): as if its client left, and its transport is told. */
  endSession(sessionId: string, reason: string): boolean {
    const session = this.sessions.get(sessionId);
    if (session === undefined) return false;
    this.closeSession(session);
    session.end(reason);
    return true;
  }

  /** The upstream is gone for good (stopped, or its restarts gave up): fail what is in flight, end every session. */
  shutdown(reason: string): void {
    const message = `the upstream server ${this.name} is gone (${reason}); this session has ended`;
    if (this.lostReason === undefined) this.failInFlight(reason, message);
    for (const session of [...this.sessions.values()]) {
      this.closeSession(session);
      session.end(reason);
    }
  }

  // ---- client → upstream

  private fromClient(session: Session, message: JsonRpcMessage): void {
    if (session.closed) return;
    session.lastActivity = Date.now();
    if (isRequest(message)) this.clientRequest(session, message);
    else if (isNotification(message)) this.clientNotification(session, message);
    else if (isResponse(message)) this.clientResponse(session, message);
    else this.invalid(session, message);
  }

  private clientRequest(session: Session, request: JsonRpcRequest): void {
    session.requests++;
    const { id, method } = request;
    if (method === 'ping') this.answer(session, id, {});
    else if (method === 'initialize') {
      if (session.initialized)
        this.fail(session, id, RPC_ERROR.invalidRequest, `session ${session.id} is already initialized`);
      else this.initialize(session, request);
    } else if (!session.initialized) {
      this.fail(
        session,
        id,
        RPC_ERROR.invalidRequest,
        `session ${session.id} is not initialized: send initialize first`,
      );
    } else if (method === 'logging/setLevel') this.setLevel(session, request);
    else if (method === 'resources/subscribe') this.subscribe(session, request);
    else if (method === 'resources/unsubscribe') this.unsubscribe(session, request);
    else this.forward(session, request, undefined);
  }

  private initialize(session: Session, request: JsonRpcRequest): void {
    const params = request.params ?? {};
    if (typeof params.protocolVersion !== 'string') {
      this.fail(session, request.id, RPC_ERROR.invalidParams, 'initialize needs params.protocolVersion (a string)');
      return;
    }
    const result = initializeAnswer(this.identity.result, params.protocolVersion);
    session.initialized = true;
    session.protocolVersion = result.protocolVersion as string;
    const hello = readClientHello(params);
    session.clientInfo = hello.clientInfo;
    session.capabilities = hello.capabilities;
    this.answer(session, request.id, result);
    this.tap?.traffic(session.id, {
      startedAt: Date.now(),
      method: 'initialize',
      durationMs: 0,
      outcome: 'ok',
      params,
    });
    // A session that sets no level wants everything: the upstream may need to be more verbose.
    this.syncLogLevel();
    // The process was initialized before this client existed, and any roots it asked for then
    // were none: now that a client who has roots is here, it should ask again.
    if (this.roots.from === 'client' && isRecord(session.capabilities.roots) && this.lostReason === undefined) {
      this.sendUpstream(notification('notifications/roots/list_changed'));
    }
  }

  private forward(session: Session, request: JsonRpcRequest, uri: string | undefined): void {
    if (this.lostReason !== undefined) {
      const message = `the upstream server ${this.name} is not running (${this.lostReason}); retry the request shortly`;
      this.fail(session, request.id, RPC_ERROR.connectionClosed, message);
    } else if (session.inflight.has(request.id)) {
      const message = `request id ${JSON.stringify(request.id)} is already used by a request in flight in this session`;
      this.fail(session, request.id, RPC_ERROR.invalidRequest, message);
    } else {
      const progressToken = progressTokenOf(request.params);
      const upstreamId = this.track(session, request.id, request.method, progressToken, uri, request.params);
      session.inflight.set(request.id, upstreamId);
      this.sendUpstream(toUpstream(request, upstreamId, progressToken !== undefined));
    }
  }

  private setLevel(session: Session, request: JsonRpcRequest): void {
    const rank = levelRank(request.params?.level);
    if (rank === undefined) {
      const message = `logging/setLevel needs params.level, one of ${LOG_LEVELS.join(', ')}`;
      this.fail(session, request.id, RPC_ERROR.invalidParams, message);
    } else if (this.identity.capabilities.logging === undefined) {
      // A server without logging answers for itself.
      this.forward(session, request, undefined);
    } else {
      session.logRank = rank;
      this.syncLogLevel();
      this.answer(session, request.id, {});
    }
  }

  private subscribe(session: Session, request: JsonRpcRequest): void {
    const uri = request.params?.uri;
    if (typeof uri !== 'string') {
      this.forward(session, request, undefined); // the server explains what is wrong
    } else if (session.subscriptions.has(uri)) {
      this.answer(session, request.id, {});
    } else {
      session.subscriptions.add(uri);
      // While the upstream is down the subscription is only recorded; upstreamReplaced sends it.
      const first = this.subscriptions.add(uri, session);
      if (first && this.lostReason === undefined) this.forward(session, request, uri);
      else this.answer(session, request.id, {});
    }
  }

  private unsubscribe(session: Session, request: JsonRpcRequest): void {
    const uri = request.params?.uri;
    if (typeof uri !== 'string') {
      this.forward(session, request, undefined);
    } else if (!session.subscriptions.delete(uri)) {
      this.answer(session, request.id, {});
    } else {
      const last = this.subscriptions.remove(uri, session);
      if (last && this.lostReason === undefined) this.forward(session, request, undefined);
      else this.answer(session, request.id, {});
    }
  }

  private clientNotification(session: Session, message: JsonRpcNotification): void {
    // The upstream had its own notifications/initialized at its handshake.
    if (message.method === 'notifications/initialized') return;
    if (!session.initialized || this.lostReason !== undefined) return;
    if (message.method === 'notifications/roots/list_changed' && this.roots.from === 'server') {
      // A shared server gets the daemon's roots, never a client's: asking again would change nothing.
      return;
    }
    if (message.method !== 'notifications/cancelled') {
      this.sendUpstream(message);
      return;
    }
    const requestId = message.params?.requestId;
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return;
    const upstreamId = session.inflight.get(requestId);
    if (upstreamId === undefined) return; // answered already: nothing to cancel
    session.inflight.delete(requestId);
    const send = this.sendFor(upstreamId);
    if (this.tap !== undefined) this.ended(this.pending.get(upstreamId), 'cancelled', 'cancelled by the client');
    this.forget(upstreamId); // so a late answer is dropped
    send(notification('notifications/cancelled', { ...message.params, requestId: upstreamId }));
  }

  /** The client's answer to a server-to-client request. */
  private clientResponse(session: Session, response: JsonRpcResponse): void {
    const answered = this.serverRequests.answerFrom(session, response);
    if (answered === undefined) {
      this.logger.debug({ session: session.id, id: response.id }, 'dropped a client answer to no open server request');
    } else if (answered.reply !== undefined) {
      answered.reply(answered.answer);
    } else if (this.lostReason === undefined) {
      this.sendUpstream(answered.answer);
    }
  }

  private invalid(session: Session, message: unknown): void {
    const raw = isRecord(message) ? message.id : undefined;
    const id = typeof raw === 'string' || typeof raw === 'number' ? raw : null;
    const text = 'the message is not a valid JSON-RPC 2.0 request, notification or response';
    session.deliver(errorResponse(id, RPC_ERROR.invalidRequest, text), id ?? undefined);
  }

  private closeSession(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    this.sessions.delete(session.id);
    // Nothing is in flight while the upstream is lost (upstreamLost failed it all), so no
    // message below can go to a dead upstream.
    for (const upstreamId of session.inflight.values()) {
      const send = this.sendFor(upstreamId);
      if (this.tap !== undefined) this.ended(this.pending.get(upstreamId), 'cancelled', 'the client disconnected');
      this.forget(upstreamId);
      send(notification('notifications/cancelled', { requestId: upstreamId, reason: 'client disconnected' }));
    }
    session.inflight.clear();
    for (const { answer, reply } of this.serverRequests.dropSession(session)) (reply ?? this.sendUpstream)(answer);
    for (const uri of session.subscriptions) {
      if (this.subscriptions.remove(uri, session)) this.upkeep('resources/unsubscribe', { uri });
    }
    session.subscriptions.clear();
    this.syncLogLevel();
  }

  // ---- upstream → clients

  private upstreamResponse(response: JsonRpcResponse): void {
    const entry = this.pending.take(response.id);
    if (this.retiring !== undefined && typeof response.id === 'number') this.released(response.id);
    const session = entry?.session;
    if (entry === undefined) {
      this.logger.debug(
        { id: response.id },
        'dropped an upstream answer nobody waits for (cancelled, or its session closed)',
      );
    } else if (session === undefined) {
      if ('error' in response) {
        this.logger.warn(
          { method: entry.method, error: response.error },
          `the upstream server ${this.name} refused ${entry.method}`,
        );
      }
    } else if ('result' in response) {
      session.inflight.delete(entry.clientId);
      session.deliver({ jsonrpc: '2.0', id: entry.clientId, result: response.result }, entry.clientId);
      if (this.tap !== undefined) {
        const failed = (response.result as { isError?: unknown } | undefined)?.isError === true;
        this.ended(entry, failed ? 'error' : 'ok', failed ? 'the tool answered isError' : undefined);
      }
    } else {
      session.inflight.delete(entry.clientId);
      // A refused subscribe must not count as held.
      if (entry.uri !== undefined && session.subscriptions.delete(entry.uri))
        this.subscriptions.remove(entry.uri, session);
      session.deliver({ jsonrpc: '2.0', id: entry.clientId, error: response.error }, entry.clientId);
      if (this.tap !== undefined) this.ended(entry, 'error', response.error);
    }
  }

  /** Tells the tap a session request ended (only called when there is a tap). */
  private ended(
    entry: PendingRequest<Session> | undefined,
    outcome: TrafficOutcome,
    error: { code?: number; message: string } | string | undefined,
  ): void {
    if (entry?.session === undefined || this.tap === undefined) return;
    const durationMs = performance.now() - entry.sentAt;
    this.tap.traffic(entry.session.id, {
      startedAt: Date.now() - durationMs,
      method: entry.method,
      durationMs,
      outcome,
      ...(error === undefined ? {} : { error: typeof error === 'string' ? { message: error } : error }),
      params: entry.params,
    });
  }

  /** `reply`: a retired upstream asked, and its answer goes back to it. */
  private upstreamRequest(request: JsonRpcRequest, reply?: (message: JsonRpcMessage) => void): void {
    let answer: JsonRpcResponse | undefined;
    if (request.method === 'ping') answer = { jsonrpc: '2.0', id: request.id, result: {} };
    else if (request.method === 'roots/list') answer = this.rootsRequest(request, reply);
    else answer = this.serverRequests.route(request, reply);
    if (answer !== undefined) (reply ?? this.sendUpstream)(answer);
  }

  /** The daemon's answer to roots/list, or undefined when it went to the session's client. */
  private rootsRequest(
    request: JsonRpcRequest,
    reply?: (message: JsonRpcMessage) => void,
  ): JsonRpcResponse | undefined {
    if (this.roots.from === 'server') {
      if (this.roots.roots.length === 0 && !this.warnedNoRoots) {
        this.warnedNoRoots = true;
        this.logger.warn(
          {},
          `the shared server ${this.name} asked for roots and none are configured, so it was given none; define it with --root DIR (mcpctl server add ${this.name} --root DIR -- COMMAND) to give it directories, or with --share isolated so each client gives its own roots`,
        );
      }
      return { jsonrpc: '2.0', id: request.id, result: { roots: [...this.roots.roots] } };
    }
    // No client that has roots (none yet, or one without the capability): it has none to give.
    // The session's initialize sends list_changed once a client with roots is there.
    for (const session of this.sessions.values()) {
      if (session.initialized && isRecord(session.capabilities.roots)) return this.serverRequests.route(request, reply);
    }
    return { jsonrpc: '2.0', id: request.id, result: { roots: [] } };
  }

  private upstreamNotification(message: JsonRpcNotification): void {
    const method = message.method;
    if (method === 'notifications/progress') this.upstreamProgress(message);
    else if (method === 'notifications/message') this.upstreamLog(message);
    else if (method === 'notifications/resources/updated') this.upstreamUpdated(message);
    else if (method === 'notifications/cancelled') this.serverRequests.cancelledUpstream(message.params);
    // notifications/*/list_changed and anything else concern every session.
    else this.broadcast(message);
  }

  private upstreamProgress(message: JsonRpcNotification): void {
    const params = message.params;
    const entry = this.pending.get(requestIdOfToken(params?.progressToken));
    if (params === undefined || entry?.session === undefined || entry.progressToken === undefined) return;
    // Progress shows the server is working on it: the timeout counts again from now, up to the limit.
    entry.deadline = Math.min(performance.now() + this.timeoutMs, entry.limit);
    entry.session.deliver(toClientProgress(params, entry.progressToken), entry.clientId);
  }

  private upstreamLog(message: JsonRpcNotification): void {
    this.tap?.message(message.params);
    const level = message.params?.level;
    // A log line while exactly one request is in flight most likely belongs to it:
    // delivered with it, it travels on that request's stream.
    const only = this.pending.onlySessionRequest();
    for (const session of this.sessions.values()) {
      if (!session.initialized || !admits(session.logRank, level)) continue;
      session.deliver(message, only?.session === session ? only.clientId : undefined);
    }
  }

  private upstreamUpdated(message: JsonRpcNotification): void {
    const uri = message.params?.uri;
    const subscribers = typeof uri === 'string' ? this.subscriptions.subscribers(uri) : undefined;
    if (subscribers === undefined) return;
    for (const session of subscribers) session.deliver(message);
  }

  private broadcast(message: JsonRpcNotification): void {
    for (const session of this.sessions.values()) if (session.initialized) session.deliver(message);
  }

  // ---- upkeep

  private syncLogLevel(): void {
    if (this.identity.capabilities.logging === undefined || this.lostReason !== undefined) return;
    const ranks: (number | undefined)[] = [];
    for (const session of this.sessions.values()) if (session.initialized) ranks.push(session.logRank);
    const own = this.tap?.wantedLevel();
    if (own !== undefined) ranks.push(own);
    const wanted = upstreamLevel(ranks, this.upstreamLogRank);
    if (wanted === undefined) return;
    this.upstreamLogRank = wanted;
    this.upkeep('logging/setLevel', { level: levelName(wanted) });
  }

  /** Marks the upstream down and fails every request in flight with `message`. */
  private failInFlight(reason: string, message: string): void {
    this.lostReason = reason;
    this.upstreamLogRank = undefined;
    for (const entry of this.pending.drain()) {
      if (entry.session === undefined) continue;
      if (this.tap !== undefined) this.ended(entry, 'lost', reason);
      entry.session.inflight.delete(entry.clientId);
      this.fail(entry.session, entry.clientId, RPC_ERROR.connectionClosed, message);
    }
    this.serverRequests.drain('the server exited');
    this.retiring?.done(); // what the old upstream owed failed with the rest
  }

  // ---- rollover: an old upstream draining beside the new one

  /** Where a message about request `upstreamId` goes: the upstream it was sent to. */
  private sendFor(upstreamId: number): (message: JsonRpcMessage) => void {
    const retiring = this.retiring;
    return retiring?.ids.has(upstreamId) ? retiring.send : this.sendUpstream;
  }

  /** A request leaves the books (cancelled, its session closed, expired). */
  private forget(upstreamId: number): void {
    this.pending.delete(upstreamId);
    if (this.retiring !== undefined) this.released(upstreamId);
  }

  private released(upstreamId: number): void {
    const retiring = this.retiring;
    if (retiring?.ids.delete(upstreamId) && retiring.ids.size === 0) retiring.done();
  }

  private fromRetired(retired: Retiring, message: JsonRpcMessage): void {
    if (!('method' in message)) {
      // Only answers to what was sent to it: an id it was never given is no business of the new one's.
      if (typeof message.id === 'number' && retired.ids.has(message.id)) this.upstreamResponse(message);
    } else if ('id' in message) {
      this.upstreamRequest(message, retired.send);
    } else if (!message.method.endsWith('/list_changed')) {
      // Progress, logs and updates of what it still serves; its list changes are stale (the new one's count).
      this.upstreamNotification(message);
    }
  }

  private abandon(retired: Retiring, reason: string): void {
    const text = `the upstream server ${this.name} was replaced and its old process ended (${reason}) before answering; retry the request`;
    for (const upstreamId of retired.ids) {
      const entry = this.pending.take(upstreamId);
      if (entry?.session === undefined) continue;
      if (this.tap !== undefined) this.ended(entry, 'lost', reason);
      entry.session.inflight.delete(entry.clientId);
      this.fail(entry.session, entry.clientId, RPC_ERROR.connectionClosed, text);
    }
    retired.ids.clear();
    this.serverRequests.drain('the server process was replaced', retired.send);
    retired.done();
  }

  /** A request of the gateway's own, on behalf of all sessions; its answer goes nowhere. */
  private upkeep(method: string, params: Record<string, unknown>): void {
    if (this.lostReason !== undefined) return;
    const id = this.track(undefined, 0, method, undefined, undefined, undefined);
    this.sendUpstream({ jsonrpc: '2.0', id, method, params });
  }

  // ---- request deadlines

  /** Records a request about to go upstream, with its deadline (one object: this runs per call); returns its upstream id. */
  private track(
    session: Session | undefined,
    clientId: JsonRpcId,
    method: string,
    progressToken: PendingRequest<Session>['progressToken'],
    uri: string | undefined,
    params: Record<string, unknown> | undefined,
  ): number {
    const now = performance.now();
    this.sweeper ??= this.startSweeper();
    const deadline = now + this.timeoutMs;
    return this.pending.add({
      session,
      clientId,
      method,
      progressToken,
      uri,
      deadline,
      limit: now + this.timeoutMaxMs,
      sentAt: now,
      params,
    });
  }

  private startSweeper(): NodeJS.Timeout {
    const timer = setInterval(() => this.sweep(), this.sweepMs);
    timer.unref();
    return timer;
  }

  private sweep(): void {
    for (const [upstreamId, entry] of this.pending.takeExpired(performance.now())) this.expire(upstreamId, entry);
    if (this.pending.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** A request ran out of time: the upstream is told to stop, its client gets an error now. */
  private expire(upstreamId: number, entry: PendingRequest<Session>): void {
    const send = this.sendFor(upstreamId);
    if (this.retiring !== undefined) this.released(upstreamId);
    const limited = entry.deadline >= entry.limit && this.timeoutMaxMs > this.timeoutMs;
    const waited = limited
      ? `did not finish ${entry.method} within ${formatDuration(this.timeoutMaxMs)}, the most that progress notifications extend its request timeout of ${formatDuration(this.timeoutMs)}`
      : `did not answer ${entry.method} within ${formatDuration(this.timeoutMs)} (its --request-timeout)`;
    send(
      notification('notifications/cancelled', {
        requestId: upstreamId,
        reason: `mcpctl: no answer in time (${waited})`,
      }),
    );
    const session = entry.session;
    if (session === undefined) {
      this.logger.warn({ method: entry.method }, `the upstream server ${this.name} ${waited}`);
      return;
    }
    if (this.tap !== undefined) this.ended(entry, 'timeout', waited);
    session.inflight.delete(entry.clientId);
    if (entry.uri !== undefined && session.subscriptions.delete(entry.uri))
      this.subscriptions.remove(entry.uri, session);
    this.fail(
      session,
      entry.clientId,
      RPC_ERROR.requestTimeout,
      `server '${this.name}' ${waited}; the request was cancelled`,
    );
  }

  private answer(session: Session, id: JsonRpcId, result: Record<string, unknown>): void {
    session.deliver({ jsonrpc: '2.0', id, result }, id);
  }

  private fail(session: Session, id: JsonRpcId, code: number, message: string): void {
    session.deliver(errorResponse(id, code, message), id);
  }
}

function notification(method: string, params?: Record<string, unknown>): JsonRpcNotification {
  return params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
