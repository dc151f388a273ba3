import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { CallContext } from '../../shared/principal.js';
import { type AllowedHosts, allowedHosts, isAllowedHost, isAllowedOrigin, originHost } from '../gateway/guards.js';
import { SERVER_ERROR, sendRpcError } from '../gateway/replies.js';
import type { ControlDispatch } from '../ipc/controlServer.js';
import { sendError } from '../ipc/httpReply.js';
import { authenticateRequest, type BearerGateOptions, type Refuse } from './bearer.js';

export interface RemoteListenerOptions {
  host: string;
  port: number;
  /** PEM pair; null serves plain HTTP, which the daemon allows on loopback only. */
  tls: { cert: string; key: string } | null;
  /** Host names clients reach the listener by (besides IP literals and the bound address). */
  publicNames: readonly string[];
  /** `gateway.allowedHosts`: what a load balancer in front forwards as Host (`host` or `host:port`). */
  allowedHosts?: readonly string[];
  gate: BearerGateOptions;
  /**
   * A forwarded gateway request's caller, from its node credential: undefined when it carries none
   * (the token check decides), 'refused' when its credential does not verify. Absent: no node
   * credential is accepted here (a listener without TLS never accepts one).
   */
  forwarded?: (req: IncomingMessage) => CallContext | 'refused' | undefined;
  control: ControlDispatch;
  gateway: {
    handle(req: IncomingMessage, res: ServerResponse, call: CallContext): void;
    /** True once the daemon began to stop: the health probe answers 503 from then on. */
    readonly draining?: boolean;
  };
  /** The dashboard (`/ui/...`): a browser sends no bearer token, so it logs in with its own cookie. */
  ui?: { handles(url: string | undefined): boolean; handle(req: IncomingMessage, res: ServerResponse): Promise<void> };
  logger: Logger;
}

export interface RemoteListener {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 1000;

/**
 * The remote front door: the control API (`/v1/...`, the socket's JSON) and the gateway paths on
 * one TLS port (TLS 1.2+), every request with a token. Host and Origin are checked as on the
 * loopback gateway, accepting the configured public names and gateway.allowedHosts; `GET
 * /v1/health` is answered then, without a token (probes have none); then the bearer token (400 in the
 * URL, 429 after too many failures, 401 without); then the role matrix, in the control
 * dispatch and the gateway's authorize hook. No URL or header is ever logged here.
 */
export async function startRemoteListener(options: RemoteListenerOptions): Promise<RemoteListener> {
  const logger = options.logger.child({ component: 'remote' });
  let hosts: AllowedHosts = { exact: new Set(), anyPort: new Set() };
  let port = options.port;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      serve(options, hosts, port, req, res);
    } catch (error) {
      logger.error({ err: error }, 'remote request failed');
      if (!res.headersSent) sendRpcError(res, 500, SERVER_ERROR, 'Internal error');
      else res.destroy();
    }
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, handler)
    : createHttpServer(handler);
  server.on('tlsClientError', () => {
    // A wrong fingerprint or a scanner: nothing to log per attempt.
  });
  await listen(server, options.host, options.port);
  port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(options.host, port, {
    own: options.publicNames,
    forwarded: options.allowedHosts ?? [],
    defaultPort: options.tls ? 443 : 80,
  });
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `${options.tls ? 'https' : 'http'}://${urlHost}:${port}`;
  logger.info({ url }, 'remote listener listening');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      }),
  };
}

function serve(
  options: RemoteListenerOptions,
  hosts: AllowedHosts,
  port: number,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const control = (req.url ?? '').startsWith('/v1/');
  const refuse: Refuse = control ? refuseControl : refuseGateway;
  res.setHeader('vary', 'Origin');
  if (!hostAllowed(req.headers.host, hosts, port)) {
    refuse(
      res,
      403,
      "Forbidden: the Host header does not name this listener (add it to listen.publicNames, or a load balancer's to gateway.allowedHosts)",
      {},
    );
    return;
  }
  if (isHealthProbe(req)) {
    // Probes (Kubernetes, a balancer, HEALTHCHECK) carry no token: they learn that it answers, nothing more.
    sendHealth(res, options.gateway.draining === true);
    return;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin, hosts, port)) {
    refuse(res, 403, 'Forbidden: this origin may not use the listener', {});
    return;
  }
  // Same-origin pages with a login of their own (a token typed once, or a one-time link): no CORS, no bearer.
  if (options.ui?.handles(req.url)) {
    options.ui.handle(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'dashboard request failed');
      if (!res.headersSent) sendRpcError(res, 500, SERVER_ERROR, 'Internal error');
      else res.destroy();
    });
    return;
  }
  if (origin !== undefined) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'Mcp-Session-Id');
  }
  const relayed = options.forwarded?.(req);
  if (relayed !== undefined) {
    // Only gateway requests are ever forwarded: a node credential opens nothing of the control API.
    if (relayed !== 'refused' && !control) {
      options.gateway.handle(req, res, relayed);
      return;
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    options.gate.limiter.fail(address);
    options.gate.onRefused?.(address, 'invalid node credential');
    refuse(res, 401, 'Unauthorized: the node credential is not valid', {
      'www-authenticate': 'Bearer realm="mcpctl"',
    });
    return;
  }
  const call = authenticateRequest(options.gate, req, res, refuse);
  if (call === undefined) return;
  if (control) options.control.handle(req, res, call);
  else options.gateway.handle(req, res, call);
}

/** The allowed names, and any IP literal on our port: a rebinding attack needs a DNS name, never an IP. */
function hostAllowed(host: string | undefined, hosts: AllowedHosts, port: number): boolean {
  if (host === undefined) return false;
  const lower = host.toLowerCase();
  if (isAllowedHost(lower, hosts)) return true;
  const match = /^(\[[0-9a-f:.]+\]|[0-9.]+):(\d+)$/.exec(lower);
  if (match === null || Number(match[2]) !== port) return false;
  const address = (match[1] ?? '').replace(/^\[|\]$/g, '');
  return isIP(address) !== 0;
}

/** Loopback origins, and https origins naming this listener (a browser page served from it). */
function originAllowed(origin: string, hosts: AllowedHosts, port: number): boolean {
  if (isAllowedOrigin(origin)) return true;
  const host = originHost(origin, ['https:']);
  return host !== undefined && hostAllowed(host, hosts, port);
}

const HEALTH_PATH = '/v1/health';

/** `GET /v1/health` (or HEAD) exactly: with a query string it is not a probe (and meets the token checks). */
function isHealthProbe(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && req.url === HEALTH_PATH;
}

/** 200 `{ok:true}` while serving; 503 `{ok:false,status:'draining'}` once a stop began, until the listener closes. */
function sendHealth(res: ServerResponse, draining: boolean): void {
  const body = JSON.stringify(draining ? { ok: false, status: 'draining' } : { ok: true });
  res.writeHead(draining ? 503 : 200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

const CODE_BY_STATUS: Record<number, 'INVALID_ARGUMENT' | 'PERMISSION_DENIED' | 'TIMEOUT'> = {
  400: 'INVALID_ARGUMENT',
  401: 'PERMISSION_DENIED',
  403: 'PERMISSION_DENIED',
  429: 'PERMISSION_DENIED',
};

const refuseControl: Refuse = (res, status, message, headers) => {
  const hint =
    status === 401
      ? "check the context's token ('mcpctl context ls'); an admin creates one with 'mcpctl token create'"
      : status === 429
        ? `wait ${headers['retry-after'] ?? 'a minute'} s before trying again`
        : undefined;
  sendError(
    res,
    new McpctlError(CODE_BY_STATUS[status] ?? 'PERMISSION_DENIED', message, hint === undefined ? {} : { hint }),
    status,
    headers,
  );
};

const refuseGateway: Refuse = (res, status, message, headers) =>
  sendRpcError(res, status, SERVER_ERROR, message, headers);

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new McpctlError('CONFIG_INVALID', `the remote listener cannot listen on ${host}:${port}: ${error.message}`, {
          hint: 'choose another listen address or port, or stop the process using it',
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
