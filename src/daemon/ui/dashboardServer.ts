import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { CallContext, Principal } from '../../shared/principal.js';
import { sendError, sendJson } from '../ipc/httpReply.js';
import { readJsonBody } from '../ipc/readBody.js';
import type { BearerGateOptions } from '../remote/bearer.js';
import { type Asset, loadAssets } from './assets.js';
import { type DashboardAuth, type DashboardSession, SESSION_IDLE_MS, sameSecret } from './dashboardAuth.js';

/** The same tables the control socket dispatches into; a handler gets the caller as its second argument. */
export type UiMethod = (body: unknown, call: CallContext) => Promise<unknown>;
export type UiStream = (
  body: unknown,
  call: CallContext,
  signal: AbortSignal,
) => Promise<AsyncIterable<unknown>> | AsyncIterable<unknown>;

/** The gateway's request handler, given the caller (as the remote listener gives it a token's). */
export type UiGateway = (req: IncomingMessage, res: ServerResponse, call: CallContext) => void;

export interface DashboardTables {
  methods: Record<string, UiMethod>;
  streams: Record<string, UiStream>;
  /** `/ui/mcp/<gateway path>`: the "try a tool" pane's MCP client, as the session's principal. */
  gateway?: UiGateway;
}

export interface DashboardServerOptions {
  auth: DashboardAuth;
  logger: Logger;
  /** The built UI (dist/ui); tests pass their own. */
  assets?: Map<string, Asset>;
  keepAliveMs?: number;
  /** Tokens typed on the login page: the remote listener's own check, failure limit and audit. */
  tokenLogin?: BearerGateOptions;
}

export const COOKIE = 'mcpctl_ui';
export const CSRF_HEADER = 'x-mcpctl-csrf';

/** No inline script or style, nothing from another origin, no framing. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The dashboard under `/ui/` on the gateway's listener (whose Host/Origin checks ran first):
 * its files, the login-code exchange, and ONE generic bridge into the control method table,
 * `POST /ui/api/<method>` (JSON) and `GET /ui/api/<stream>?input=<json>` (server-sent events),
 * called with the session's principal exactly as the socket calls them with the owner's.
 */
export class DashboardServer {
  private tables: DashboardTables | undefined;
  private readonly assets: Map<string, Asset>;
  /** The open event streams, each with the session it serves. */
  private readonly open = new Map<AbortController, string>();

  constructor(private readonly options: DashboardServerOptions) {
    this.assets = options.assets ?? loadAssets();
  }

  /** The control tables exist only once the handlers are built, after the gateway listens. */
  attach(tables: DashboardTables): void {
    this.tables = tables;
  }

  /** Ends the open event streams (the daemon is stopping). */
  close(): void {
    for (const controller of this.open.keys()) controller.abort();
  }

  /**
   * A token stopped standing: its sessions end, and so do their open event streams, which would
   * otherwise keep flowing until they reconnect. The page's reconnect then finds it logged out.
   */
  endSessionsOf(tokenName: string): void {
    const ended = new Set(this.options.auth.closeSessionsOf(tokenName));
    for (const [controller, session] of this.open) if (ended.has(session)) controller.abort();
  }

  handles(url: string | undefined): boolean {
    return url === '/ui' || (url?.startsWith('/ui/') ?? false) || (url?.startsWith('/ui?') ?? false);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    // Stricter than the gateway's loopback rule: another local origin (a dev server on another port) is refused too.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`) {
      sendError(res, new McpctlError('PERMISSION_DENIED', 'the dashboard answers only its own pages'), 403);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    const path = url.pathname;
    if (path === '/ui') {
      res.writeHead(308, { location: '/ui/' }).end();
    } else if (path === '/ui/login') {
      await this.login(req, res);
    } else if (path === '/ui/logout') {
      await this.logout(req, res);
    } else if (path === '/ui/session') {
      this.whoami(req, res);
    } else if (path.startsWith('/ui/mcp/')) {
      this.mcp(req, res);
    } else if (path.startsWith('/ui/api/')) {
      await this.api(req, res, decodeURIComponent(path.slice('/ui/api/'.length)), url.searchParams);
    } else {
      this.file(req, res, path === '/ui/' ? 'index.html' : path.slice('/ui/'.length));
    }
  }

  private file(req: IncomingMessage, res: ServerResponse, name: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, notAllowed('GET'), 405, { allow: 'GET' });
      return;
    }
    const asset = this.assets.get(name);
    if (asset === undefined) {
      const missing = this.assets.size === 0;
      sendError(
        res,
        new McpctlError('NOT_FOUND', missing ? 'the dashboard is not built' : `no dashboard file ${name}`, {
          hint: missing ? "run 'npm run build' (it writes dist/ui/)" : 'open /ui/',
        }),
      );
      return;
    }
    // Hashed names never change content: cache them for a year; index.html names them, so never cache it.
    const cache = name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable';
    res.writeHead(200, { 'content-type': asset.type, 'content-length': asset.body.length, 'cache-control': cache });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.isJsonPost(req, res)) return;
    const body = await readJsonBody(req, 4096);
    if (!body.ok) {
      sendError(res, body.error, body.status);
      return;
    }
    const given = body.value as { code?: unknown; token?: unknown } | null;
    if (typeof given?.token === 'string') {
      this.tokenLogin(req, res, given.token);
      return;
    }
    const code = given?.code;
    const result =
      typeof code === 'string' ? this.options.auth.exchange(code) : { ok: false as const, reason: 'unknown' as const };
    if (!result.ok) {
      const message =
        result.reason === 'expired'
          ? 'this login link has expired (links are good for one minute)'
          : 'this login link is not valid: it was already used, or it was mistyped';
      sendError(
        res,
        new McpctlError('PERMISSION_DENIED', message, { hint: "run 'mcpctl dashboard' for a new link" }),
        401,
      );
      return;
    }
    this.startSession(req, res, result.session);
  }

  /** A viewer, operator or admin token, checked as the remote listener checks a bearer (same failure limit). */
  private tokenLogin(req: IncomingMessage, res: ServerResponse, token: string): void {
    const gate = this.options.tokenLogin;
    if (gate === undefined) {
      sendError(res, new McpctlError('INVALID_ARGUMENT', 'this dashboard takes login links only, not tokens'));
      return;
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = gate.limiter.retryAfter(address);
    if (wait > 0) {
      const error = new McpctlError('PERMISSION_DENIED', 'too many failed logins from this address', {
        hint: `wait ${wait} s before trying again`,
      });
      sendError(res, error, 429, { 'retry-after': String(wait) });
      return;
    }
    const result = gate.check(token.trim());
    if (!result.ok) {
      gate.limiter.fail(address);
      gate.onRefused?.(address, result.reason);
      const what = result.reason === 'expired' ? 'this token has expired' : 'this token is not valid';
      sendError(
        res,
        new McpctlError('PERMISSION_DENIED', what, {
          hint: "an admin creates one with 'mcpctl token create NAME --role viewer'",
        }),
        401,
      );
      return;
    }
    if (result.principal.role === 'client') {
      sendError(
        res,
        new McpctlError(
          'PERMISSION_DENIED',
          "a client token reaches only the gateway's MCP endpoints, not the dashboard",
          {
            hint: 'log in with a viewer, operator or admin token',
          },
        ),
        403,
      );
      return;
    }
    this.startSession(req, res, this.options.auth.open(result.principal));
  }

  private startSession(req: IncomingMessage, res: ServerResponse, session: DashboardSession): void {
    const cookie = `${COOKIE}=${session.id}; Path=/ui; HttpOnly; SameSite=Strict${secure(req)}; Max-Age=${SESSION_IDLE_MS / 1000}`;
    sendJson(res, 200, sessionInfo(session), { 'set-cookie': cookie, 'cache-control': 'no-store' });
  }

  private async logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = this.authorized(req, res, true);
    if (session === undefined) return;
    this.options.auth.close(session.id);
    const cookie = `${COOKIE}=; Path=/ui; HttpOnly; SameSite=Strict${secure(req)}; Max-Age=0`;
    sendJson(res, 200, { ok: true }, { 'set-cookie': cookie });
  }

  private whoami(req: IncomingMessage, res: ServerResponse): void {
    const session = this.authorized(req, res, false);
    if (session !== undefined) sendJson(res, 200, sessionInfo(session), { 'cache-control': 'no-store' });
  }

  private async api(req: IncomingMessage, res: ServerResponse, name: string, query: URLSearchParams): Promise<void> {
    const tables = this.tables;
    const method = tables && Object.hasOwn(tables.methods, name) ? tables.methods[name] : undefined;
    const stream = tables && !method && Object.hasOwn(tables.streams, name) ? tables.streams[name] : undefined;
    if (method === undefined && stream === undefined) {
      sendError(res, new McpctlError('NOT_FOUND', `unknown control method '${name}'`));
      return;
    }
    if (method !== undefined) {
      if (!this.isJsonPost(req, res)) return;
      const session = this.authorized(req, res, true);
      if (session === undefined) return;
      const body = await readJsonBody(req);
      if (!body.ok) {
        sendError(res, body.error, body.status);
        return;
      }
      try {
        sendJson(res, 200, await method(body.value, callOf(req, session.principal)), { 'cache-control': 'no-store' });
      } catch (error) {
        sendError(res, this.publicError(name, error));
      }
      return;
    }
    if (stream === undefined) return;
    if (req.method !== 'GET') {
      sendError(res, notAllowed('GET'), 405, { allow: 'GET' });
      return;
    }
    // Read-only: a GET needs the cookie (SameSite=Strict keeps other sites' pages from sending it), no CSRF header.
    const session = this.authorized(req, res, false);
    if (session === undefined) return;
    let input: unknown = {};
    try {
      input = JSON.parse(query.get('input') ?? '{}');
    } catch {
      sendError(res, new McpctlError('INVALID_ARGUMENT', "the 'input' parameter is not JSON"));
      return;
    }
    const call = callOf(req, session.principal);
    await this.events(res, session.id, name, (signal) => stream(input, call, signal));
  }

  /**
   * The gateway behind the session's cookie (a browser sends no bearer token): the gateway's own
   * role check judges the session's principal (a viewer: 403), its sessions belong to it, and a
   * POST or DELETE needs the CSRF token like any state change here.
   */
  private mcp(req: IncomingMessage, res: ServerResponse): void {
    const gateway = this.tables?.gateway;
    if (gateway === undefined) {
      sendError(res, new McpctlError('NOT_FOUND', 'this dashboard has no gateway behind it'));
      return;
    }
    const session = this.authorized(req, res, req.method !== 'GET' && req.method !== 'HEAD');
    if (session === undefined) return;
    req.url = (req.url ?? '').slice('/ui/mcp'.length);
    gateway(req, res, callOf(req, session.principal));
  }

  /**
   * Server-sent events: one `data:` per item; a failure after the start is an `event: failure`
   * (EventSource would otherwise reconnect to the same error forever). Comments keep proxies awake.
   */
  private async events(
    res: ServerResponse,
    sessionId: string,
    name: string,
    open: (signal: AbortSignal) => Promise<AsyncIterable<unknown>> | AsyncIterable<unknown>,
  ): Promise<void> {
    const controller = new AbortController();
    this.open.set(controller, sessionId);
    res.once('close', () => controller.abort());
    let items: AsyncIterable<unknown>;
    try {
      items = await open(controller.signal);
    } catch (error) {
      this.open.delete(controller);
      sendError(res, this.publicError(name, error));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': open\n\n');
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), this.options.keepAliveMs ?? 15_000);
    keepAlive.unref();
    try {
      for await (const item of items) {
        if (controller.signal.aborted) break;
        res.write(`data: ${JSON.stringify(item) ?? 'null'}\n\n`);
      }
    } catch (error) {
      if (!controller.signal.aborted) {
        res.write(`event: failure\ndata: ${JSON.stringify({ error: this.publicError(name, error).toPayload() })}\n\n`);
      }
    } finally {
      clearInterval(keepAlive);
      this.open.delete(controller);
      res.end();
    }
  }

  private publicError(name: string, error: unknown): McpctlError {
    if (error instanceof McpctlError) return error;
    this.options.logger.error({ method: name, err: error }, 'dashboard call failed unexpectedly');
    return new McpctlError('INTERNAL', `the daemon hit an internal error while handling '${name}'`, {
      hint: "the daemon log has the details: run 'mcpctl daemon logs'",
    });
  }

  /** 401 without a live session; 403 for a state change without the session's CSRF token. */
  private authorized(req: IncomingMessage, res: ServerResponse, changesState: boolean): DashboardSession | undefined {
    const session = this.options.auth.session(cookieOf(req));
    if (session === undefined) {
      sendError(
        res,
        new McpctlError('PERMISSION_DENIED', 'not logged in to the dashboard, or the session expired', {
          hint: "run 'mcpctl dashboard' for a login link",
        }),
        401,
      );
      return undefined;
    }
    const given = req.headers[CSRF_HEADER];
    if (changesState && !sameSecret(typeof given === 'string' ? given : undefined, session.csrf)) {
      sendError(
        res,
        new McpctlError('PERMISSION_DENIED', "refused: the request lacks the dashboard session's CSRF token", {
          hint: 'reload the dashboard',
        }),
        403,
      );
      return undefined;
    }
    return session;
  }

  /** A cross-site form can send only form or text bodies: insisting on JSON shuts that door too. */
  private isJsonPost(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST') {
      sendError(res, notAllowed('POST'), 405, { allow: 'POST' });
      return false;
    }
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      sendError(res, new McpctlError('INVALID_ARGUMENT', 'send the input as application/json'), 415);
      return false;
    }
    return true;
  }
}

function sessionInfo(session: DashboardSession): {
  principal: { name: string; role: string; kind: string };
  csrf: string;
} {
  const { name, role, kind } = session.principal;
  return { principal: { name, role, kind }, csrf: session.csrf };
}

/** Over TLS (the remote listener) the browser must never send the cookie in clear. */
function secure(req: IncomingMessage): string {
  return (req.socket as Partial<TLSSocket>).encrypted === true ? '; Secure' : '';
}

function callOf(req: IncomingMessage, principal: Principal): CallContext {
  return { principal, address: req.socket.remoteAddress ?? 'unknown' };
}

function cookieOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === COOKIE) return rest.join('=');
  }
  return undefined;
}

function notAllowed(method: string): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', `this dashboard path accepts only ${method} requests`);
}
