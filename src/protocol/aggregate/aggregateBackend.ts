import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
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
import { negotiateVersion, readClientHello } from '../multiplex/initializeAnswer.js';
import { LOG_LEVELS, levelRank } from '../multiplex/logLevels.js';
import type { BackendSession, ClientInfo, SessionBackend, SessionOutput } from '../session.js';
import { AggregateSession } from './clientSession.js';
import type { Item, ListKind, MemberCatalog } from './memberCatalog.js';
import { INTERNAL_ID_PREFIX, isInternalId, MemberLink } from './memberLink.js';
import type { MergedView } from './mergedView.js';
import { type ChangedList, ProfileCatalog } from './profileCatalog.js';
import type { AggregateCatalogView, AggregateSettings } from './types.js';

export interface AggregateBackendOptions {
  settings: AggregateSettings;
  logger: Logger;
  /** serverInfo.version of the profile's endpoint (mcpctl's version). */
  version?: string;
  /** How many members start their catalog sessions at once (default 4). */
  concurrency?: number;
  /** Items per page of the profile's own lists (default 100). */
  pageSize?: number;
  /** Counts the requests sent to each member and the errors they end with (metrics). */
  members?: MemberSink;
}

/** A profile's calls and errors by member. */
export interface MemberSink {
  called(member: string): void;
  failed(member: string): void;
}

const PAGE_SIZE = 100;
const LIST_FIELD: Record<ListKind, string> = {
  tools: 'tools',
  prompts: 'prompts',
  resources: 'resources',
  resourceTemplates: 'resourceTemplates',
};
const CHANGED_METHOD = {
  tools: 'notifications/tools/list_changed',
  prompts: 'notifications/prompts/list_changed',
  resources: 'notifications/resources/list_changed',
} as const;

type Session = AggregateSession;

/**
 * One session over many upstreams, the mirror image of SharedUpstream: each client session of a
 * profile holds one session on each member's backend it uses, so id rewriting, progress,
 * cancellation, server-to-client requests, subscriptions and log levels stay the members'
 * multiplexers' job. This class rewrites names only: it answers lists from the members' cached
 * catalogs (namespaced, filtered, overridden) and sends each call to the member that owns it.
 */
export class AggregateBackend implements SessionBackend {
  private readonly profile: ProfileCatalog;
  private readonly sessions = new Map<string, Session>();
  private readonly logger: Logger;
  private readonly version: string;
  private readonly pageSize: number;
  private readonly sink: MemberSink | undefined;
  private ended: string | undefined;

  constructor(options: AggregateBackendOptions) {
    this.logger = options.logger;
    this.version = options.version ?? '0.0.0';
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.sink = options.members;
    this.profile = new ProfileCatalog(options.settings, {
      logger: options.logger,
      concurrency: options.concurrency ?? 4,
      changed: (list) => this.listChanged(list),
    });
  }

  get name(): string {
    return this.profile.settings.name;
  }

  private get settings(): AggregateSettings {
    return this.profile.settings;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  open(sessionId: string, output: SessionOutput): BackendSession {
    if (this.ended !== undefined) {
      throw new McpctlError('NOT_FOUND', `profile ${this.name} is gone (${this.ended})`);
    }
    if (this.sessions.has(sessionId)) {
      throw new McpctlError('ALREADY_EXISTS', `session ${sessionId} is already open on profile ${this.name}`, {
        hint: 'open every session under a fresh id',
      });
    }
    const session = new AggregateSession(sessionId, output);
    this.sessions.set(sessionId, session);
    return {
      id: sessionId,
      receive: (message) => this.fromClient(session, message),
      close: () => this.closeSession(session),
    };
  }

  /** What `session ls` shows of a session, learnt at its initialize. */
  sessionInfo(
    sessionId: string,
  ): { clientInfo: ClientInfo | undefined; protocolVersion: string | undefined } | undefined {
    const session = this.sessions.get(sessionId);
    return session === undefined
      ? undefined
      : { clientInfo: session.clientInfo, protocolVersion: session.protocolVersion };
  }

  /** The profile changed (members, names, filters, overrides): sessions follow, told by list_changed. */
  update(settings: AggregateSettings): void {
    for (const name of this.profile.update(settings)) {
      for (const session of this.sessions.values()) {
        const link = session.links.get(name);
        if (link !== undefined) this.dropLink(session, link, 'it left the profile');
      }
    }
  }

  /** A member's state or backend changed (it started, stopped, was replaced). */
  memberChanged(name: string): void {
    const catalog = this.profile.get(name);
    if (catalog === undefined) return;
    const backend = catalog.member.state() === 'down' ? undefined : catalog.member.backend();
    for (const session of this.sessions.values()) {
      const link = session.links.get(name);
      if (link !== undefined && link.backend !== backend) this.dropLink(session, link, 'the server went away');
    }
    catalog.sync();
    this.profile.invalidate();
  }

  /** What `profile show` prints: the members' catalogs, waiting for them no longer than the list deadline. */
  catalog(): Promise<AggregateCatalogView> {
    return this.profile.catalogView();
  }

  /** The profile is gone: every session ends, every member session is let go. */
  shutdown(reason: string): void {
    this.ended = reason;
    for (const session of [...this.sessions.values()]) {
      this.closeSession(session);
      session.end(reason);
    }
    this.profile.dispose();
  }

  // ---- client → members

  private fromClient(session: Session, message: JsonRpcMessage): void {
    if (session.closed) return;
    if (isRequest(message)) this.clientRequest(session, message);
    else if (isNotification(message)) this.clientNotification(session, message);
    else if (isResponse(message)) this.clientResponse(session, message);
    else {
      const text = 'the message is not a valid JSON-RPC 2.0 request, notification or response';
      session.deliver(errorResponse(null, RPC_ERROR.invalidRequest, text));
    }
  }

  private clientRequest(session: Session, request: JsonRpcRequest): void {
    const { id, method } = request;
    if (isInternalId(id)) {
      this.fail(session, id, RPC_ERROR.invalidRequest, `request ids starting with ${INTERNAL_ID_PREFIX} are reserved`);
    } else if (method === 'ping') {
      this.answer(session, id, {});
    } else if (method === 'initialize') {
      if (session.initialized)
        this.fail(session, id, RPC_ERROR.invalidRequest, `session ${session.id} is already initialized`);
      else void this.initialize(session, request);
    } else if (!session.initialized) {
      this.fail(
        session,
        id,
        RPC_ERROR.invalidRequest,
        `session ${session.id} is not initialized: send initialize first`,
      );
    } else if (method === 'tools/call') {
      this.callTool(session, request);
    } else if (method === 'tools/list') {
      void this.list(session, request, 'tools');
    } else if (method === 'prompts/list') {
      void this.list(session, request, 'prompts');
    } else if (method === 'resources/list') {
      void this.list(session, request, 'resources');
    } else if (method === 'resources/templates/list') {
      void this.list(session, request, 'resourceTemplates');
    } else if (method === 'prompts/get') {
      this.getPrompt(session, request);
    } else if (method === 'resources/read' || method === 'resources/subscribe' || method === 'resources/unsubscribe') {
      this.byUri(session, request);
    } else if (method === 'completion/complete') {
      this.complete(session, request);
    } else if (method === 'logging/setLevel') {
      this.setLevel(session, request);
    } else if (this.profile.members.length === 1) {
      // A method the aggregator does not know: a lone member may (the profile is that server).
      this.routeTo(session, this.profile.members[0] as MemberCatalog, request);
    } else {
      this.fail(session, id, RPC_ERROR.methodNotFound, `profile ${this.name} does not route ${method}`);
    }
  }

  private async initialize(session: Session, request: JsonRpcRequest): Promise<void> {
    const params = request.params ?? {};
    if (typeof params.protocolVersion !== 'string') {
      this.fail(session, request.id, RPC_ERROR.invalidParams, 'initialize needs params.protocolVersion (a string)');
      return;
    }
    session.initialized = true;
    session.hello = params;
    session.protocolVersion = negotiateVersion(params.protocolVersion);
    session.clientInfo = readClientHello(params).clientInfo;
    await this.profile.settle();
    if (session.closed) return;
    const result: Record<string, unknown> = {
      protocolVersion: session.protocolVersion,
      capabilities: this.profile.capabilities(),
      serverInfo: { name: this.name, version: this.version },
    };
    const instructions = this.profile.instructions();
    if (instructions !== undefined) result.instructions = instructions;
    this.answer(session, request.id, result);
  }

  private async list(session: Session, request: JsonRpcRequest, kind: ListKind): Promise<void> {
    const cursor = request.params?.cursor;
    let offset = 0;
    if (cursor !== undefined) {
      const parsed = parseCursor(cursor, kind);
      if (parsed === undefined) {
        this.fail(session, request.id, RPC_ERROR.invalidParams, `invalid cursor for ${request.method}`);
        return;
      }
      offset = parsed;
    }
    if (this.profile.mustWait()) await this.profile.settle();
    const items = this.listed(this.profile.currentView(), kind);
    const end = offset + this.pageSize;
    const result: Record<string, unknown> = { [LIST_FIELD[kind]]: items.slice(offset, end) };
    if (end < items.length) result.nextCursor = makeCursor(kind, end);
    this.answer(session, request.id, result);
  }

  private listed(view: MergedView, kind: ListKind): readonly Item[] {
    if (kind === 'tools') {
      const search = this.settings.toolMode === 'search' ? this.settings.search : undefined;
      return search === undefined ? view.tools : search.listed(view.tools);
    }
    if (kind === 'prompts') return view.prompts;
    return kind === 'resources' ? view.resources : view.resourceTemplates;
  }

  /** The hot path: one map lookup, one name rewrite, and the request is on its member session. */
  private callTool(session: Session, request: JsonRpcRequest): void {
    const params = request.params;
    if (params === undefined || typeof params.name !== 'string') {
      this.fail(session, request.id, RPC_ERROR.invalidParams, 'tools/call needs params.name (a string)');
      return;
    }
    let name: string = params.name;
    const view = this.profile.currentView();
    let args = params.arguments;
    const search = this.settings.toolMode === 'search' ? this.settings.search : undefined;
    if (search !== undefined) {
      const handled = search.call(name, isRecord(args) ? args : {}, view.tools);
      if (handled !== undefined && 'result' in handled) {
        handled.result.then(
          (result) => this.answer(session, request.id, result),
          (error: unknown) =>
            this.fail(session, request.id, RPC_ERROR.internalError, `${name} failed: ${(error as Error).message}`),
        );
        return;
      }
      if (handled !== undefined) {
        name = handled.route.name;
        args = handled.route.arguments;
      }
    }
    const route = view.toolRoutes.get(name);
    if (route === undefined) {
      this.whenMissing(
        session,
        () => this.callTool(session, request),
        () => this.refuse(session, request, 'tool', name),
      );
      return;
    }
    const catalog = this.profile.get(route.member) as MemberCatalog;
    const rewritten =
      route.original === name && args === params.arguments
        ? request
        : { ...request, params: { ...params, name: route.original, arguments: args } };
    this.routeTo(session, catalog, rewritten);
  }

  /** prompts/get by its client-visible name. */
  private getPrompt(session: Session, request: JsonRpcRequest): void {
    const params = request.params;
    const name = params?.name;
    if (params === undefined || typeof name !== 'string') {
      this.fail(session, request.id, RPC_ERROR.invalidParams, `${request.method} needs params.name (a string)`);
      return;
    }
    const route = this.profile.currentView().promptRoutes.get(name);
    if (route === undefined) {
      this.whenMissing(
        session,
        () => this.getPrompt(session, request),
        () => this.refuse(session, request, 'prompt', name),
      );
      return;
    }
    this.routeTo(session, this.profile.get(route.member) as MemberCatalog, {
      ...request,
      params: { ...params, name: route.original },
    });
  }

  private byUri(session: Session, request: JsonRpcRequest): void {
    const uri = request.params?.uri;
    if (typeof uri !== 'string') {
      this.fail(session, request.id, RPC_ERROR.invalidParams, `${request.method} needs params.uri (a string)`);
      return;
    }
    const member = this.memberOfUri(this.profile.currentView(), uri);
    if (member === undefined) {
      this.whenMissing(
        session,
        () => this.byUri(session, request),
        () =>
          this.fail(
            session,
            request.id,
            RPC_ERROR.invalidParams,
            `no member of profile ${this.name} serves the resource ${uri}`,
          ),
      );
      return;
    }
    this.routeTo(session, member, request);
  }

  /** A resource's member: by its URI as listed, else by the most specific template it fits. */
  private memberOfUri(view: MergedView, uri: string): MemberCatalog | undefined {
    const owner =
      view.resourceRoutes.get(uri) ??
      view.templateRoutes.find((route) => route.template === uri)?.member ??
      view.templateRoutes.find((route) => route.prefix !== '' && uri.startsWith(route.prefix))?.member;
    return owner === undefined ? undefined : this.profile.get(owner);
  }

  private complete(session: Session, request: JsonRpcRequest): void {
    const params = request.params;
    const ref = params?.ref;
    if (params === undefined || !isRecord(ref)) {
      this.fail(session, request.id, RPC_ERROR.invalidParams, 'completion/complete needs params.ref');
      return;
    }
    const view = this.profile.currentView();
    if (ref.type === 'ref/prompt' && typeof ref.name === 'string') {
      const route = view.promptRoutes.get(ref.name);
      if (route !== undefined) {
        const rewritten = { ...request, params: { ...params, ref: { ...ref, name: route.original } } };
        this.routeTo(session, this.profile.get(route.member) as MemberCatalog, rewritten);
        return;
      }
    } else if (ref.type === 'ref/resource' && typeof ref.uri === 'string') {
      const member = this.memberOfUri(view, ref.uri);
      if (member !== undefined) {
        this.routeTo(session, member, request);
        return;
      }
    }
    this.whenMissing(
      session,
      () => this.complete(session, request),
      () =>
        this.fail(
          session,
          request.id,
          RPC_ERROR.invalidParams,
          `no member of profile ${this.name} completes that reference`,
        ),
    );
  }

  /** Fanned out to every member session the client has, and remembered for the ones it opens later; answered once. */
  private setLevel(session: Session, request: JsonRpcRequest): void {
    const level = request.params?.level;
    if (levelRank(level) === undefined) {
      const message = `logging/setLevel needs params.level, one of ${LOG_LEVELS.join(', ')}`;
      this.fail(session, request.id, RPC_ERROR.invalidParams, message);
      return;
    }
    session.logLevel = level as string;
    for (const link of session.links.values()) void link.request('logging/setLevel', { level }).catch(() => {});
    this.answer(session, request.id, {});
  }

  private clientNotification(session: Session, message: JsonRpcNotification): void {
    if (!session.initialized) return;
    if (message.method === 'notifications/cancelled') {
      const requestId = message.params?.requestId;
      if (typeof requestId !== 'string' && typeof requestId !== 'number') return;
      const link = session.inflight.get(requestId);
      if (link === undefined) return;
      session.inflight.delete(requestId);
      link.send(message);
    } else if (message.method === 'notifications/roots/list_changed') {
      for (const link of session.links.values()) link.send(message);
    }
    // notifications/initialized: each member session had its own when it was opened.
  }

  /** The client's answer to a member's server-to-client request, back under the member's id. */
  private clientResponse(session: Session, response: JsonRpcResponse): void {
    const entry = response.id === null ? undefined : session.serverRequests.get(response.id);
    if (entry === undefined || response.id === null) {
      this.logger.debug({ session: session.id, id: response.id }, 'dropped a client answer to no open server request');
      return;
    }
    session.serverRequests.delete(response.id);
    entry.link.send({ ...response, id: entry.id } as JsonRpcResponse);
  }

  /** Sends a request to the client's session on `catalog`'s member, opening that session first if needed. */
  private routeTo(session: Session, catalog: MemberCatalog, request: JsonRpcRequest): void {
    let link = session.links.get(catalog.name);
    if (link === undefined) {
      link = this.openLink(session, catalog);
      if (link === undefined) {
        this.sink?.called(catalog.name);
        this.sink?.failed(catalog.name);
        this.fail(session, request.id, RPC_ERROR.connectionClosed, this.unavailable(catalog));
        return;
      }
    }
    if (session.inflight.has(request.id)) {
      const message = `request id ${JSON.stringify(request.id)} is already used by a request in flight in this session`;
      this.fail(session, request.id, RPC_ERROR.invalidRequest, message);
      return;
    }
    session.inflight.set(request.id, link);
    this.sink?.called(catalog.name);
    link.send(request);
  }

  /** The client's session on a member, initialized with the client's own initialize params. */
  private openLink(session: Session, catalog: MemberCatalog): MemberLink | undefined {
    const backend = catalog.member.state() === 'ready' ? catalog.member.backend() : undefined;
    if (backend === undefined) return undefined;
    let link: MemberLink;
    try {
      link = new MemberLink(catalog.name, backend, session.id, {
        message: (from, message, related) => this.fromMember(session, from, message, related),
        closed: (from, reason) => this.dropLink(session, from, reason),
      });
    } catch (error) {
      this.logger.warn({ err: error, member: catalog.name, session: session.id }, 'could not open a member session');
      return undefined;
    }
    session.links.set(catalog.name, link);
    void link.request('initialize', session.hello).catch(() => {});
    link.notify('notifications/initialized');
    if (session.logLevel !== undefined)
      void link.request('logging/setLevel', { level: session.logLevel }).catch(() => {});
    return link;
  }

  /** A member session of a client ended: what was in flight on it fails, naming the server. */
  private dropLink(session: Session, link: MemberLink, reason: string): void {
    if (session.links.get(link.member) === link) session.links.delete(link.member);
    link.end();
    for (const [id, owner] of session.inflight) {
      if (owner !== link) continue;
      session.inflight.delete(id);
      this.sink?.failed(link.member);
      this.fail(
        session,
        id,
        RPC_ERROR.connectionClosed,
        `server '${link.member}' went away (${reason}); retry the request`,
      );
    }
    for (const [id, entry] of session.serverRequests) {
      if (entry.link !== link) continue;
      session.serverRequests.delete(id);
      session.deliver(
        notification('notifications/cancelled', { requestId: id, reason: `server '${link.member}' went away` }),
      );
    }
  }

  private closeSession(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    this.sessions.delete(session.id);
    for (const link of session.links.values()) link.end();
    session.links.clear();
    session.inflight.clear();
    session.serverRequests.clear();
  }

  // ---- members → client

  private fromMember(
    session: Session,
    link: MemberLink,
    message: JsonRpcMessage,
    related: JsonRpcId | undefined,
  ): void {
    if (!('method' in message)) {
      if (message.id !== null && session.inflight.delete(message.id) && this.sink !== undefined && isFailure(message))
        this.sink.failed(link.member);
      session.deliver(message, message.id ?? undefined);
    } else if ('id' in message) {
      const id = session.serverRequestId({ link, id: message.id });
      session.deliver({ ...message, id }, related);
    } else if (message.method === 'notifications/cancelled') {
      // The member gave up a request it made of the client: cancel it under the id the client knows.
      for (const [id, entry] of session.serverRequests) {
        if (entry.link !== link || entry.id !== message.params?.requestId) continue;
        session.serverRequests.delete(id);
        session.deliver(notification('notifications/cancelled', { ...message.params, requestId: id }), related);
        return;
      }
    } else if (!message.method.endsWith('/list_changed')) {
      // List changes come once, from the catalog session, after the cache is fresh.
      session.deliver(message, related);
    }
  }

  /** A name not in the view: wait for members still loading, then try once more, else `missing`. */
  private whenMissing(session: Session, retry: () => void, missing: () => void): void {
    if (!this.profile.mustWait()) {
      missing();
      return;
    }
    void this.profile.settle().then(() => {
      if (session.closed) return;
      if (this.profile.mustWait()) missing();
      else retry();
    });
  }

  private refuse(session: Session, request: JsonRpcRequest, kind: 'tool' | 'prompt', name: string): void {
    const view = this.profile.currentView();
    const owner = view.vanished.get(name);
    let message: string;
    let code: number = RPC_ERROR.invalidParams;
    if (view.filtered.has(name)) {
      message = `${kind} '${name}' is not available in profile ${this.name}: the profile's filters hide it`;
    } else if (owner !== undefined) {
      code = RPC_ERROR.connectionClosed;
      message = `${kind} '${name}' is not available now: ${this.unavailable(this.profile.get(owner) as MemberCatalog)}`;
    } else {
      message = `profile ${this.name} has no ${kind} named '${name}'`;
    }
    this.fail(session, request.id, code, message);
  }

  private unavailable(catalog: MemberCatalog): string {
    const state = catalog.member.state();
    const detail = catalog.detail();
    const why = detail === undefined ? state : `${state}: ${detail}`;
    return `server '${catalog.name}' of profile ${this.name} is ${why}`;
  }

  private listChanged(list: ChangedList): void {
    const message = notification(CHANGED_METHOD[list]);
    for (const session of this.sessions.values()) if (session.initialized) session.deliver(message);
  }

  private answer(session: Session, id: JsonRpcId, result: Record<string, unknown>): void {
    session.deliver({ jsonrpc: '2.0', id, result }, id);
  }

  private fail(session: Session, id: JsonRpcId, code: number, message: string): void {
    session.deliver(errorResponse(id, code, message), id);
  }
}

/** An opaque cursor over the profile's own list: which list and where the next page starts. */
function makeCursor(kind: ListKind, offset: number): string {
  return Buffer.from(JSON.stringify([kind, offset])).toString('base64url');
}

function parseCursor(cursor: unknown, kind: ListKind): number | undefined {
  if (typeof cursor !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value[0] !== kind) return undefined;
    const offset = value[1];
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

function notification(method: string, params?: Record<string, unknown>): JsonRpcNotification {
  return params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An answer that counts as a member's error: a JSON-RPC error, or a tool result flagged isError. */
function isFailure(message: JsonRpcResponse): boolean {
  return 'error' in message || message.result.isError === true;
}
