import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RPC_ERROR } from '../../protocol/jsonrpc.js';
import { McpctlError } from '../../shared/errors.js';
import { type CallContext, LOCAL_OWNER } from '../../shared/principal.js';
import type { GatewayContext } from './context.js';
import { type AllowedHosts, allowedHosts, isAllowedHost, isAllowedOrigin } from './guards.js';
import { handleLegacyMessage, handleLegacyStream } from './legacySse.js';
import { readOnlyBackend } from './readOnlyTools.js';
import { Relay } from './relay.js';
import { notFound, SERVER_ERROR, sendEmpty, sendRpcError } from './replies.js';
import { METRICS_PATH, parseRoute, profileOfTarget } from './route.js';
import { SessionRegistry } from './sessionRegistry.js';
import { SseHub } from './sseWriter.js';
import { handleStreamable } from './streamableHttp.js';
import { GATEWAY_DEFAULTS, type Gateway, type GatewayOptions, ownerKey } from './types.js';

/** How long close() lets connections finish their last bytes before cutting them. */
const CLOSE_GRACE_MS = 1000;

/**
 * The MCP gateway listener: `/servers/<name>/mcp` (Streamable HTTP) and
 * `/servers/<name>/sse` + `/servers/<name>/messages` (legacy HTTP+SSE) in front of the
 * session backends, and the same three under `/profiles/<name>/` for a profile's aggregate. Plain node:http and no per-request logging: this is the hot path.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger.child({ component: 'gateway' });
  const maxSessions = options.maxSessions ?? GATEWAY_DEFAULTS.maxSessions;
  const registry = new SessionRegistry({
    maxSessions,
    idleTimeoutMs: options.idleTimeoutMs ?? GATEWAY_DEFAULTS.idleTimeoutMs,
    logger,
    onSessionEvent: options.onSessionEvent,
  });
  const hub = new SseHub(
    options.keepAliveMs ?? GATEWAY_DEFAULTS.keepAliveMs,
    options.maxUnreadBytes ?? GATEWAY_DEFAULTS.maxUnreadBytes,
  );
  const fail = (res: ServerResponse, error: unknown): void => {
    logger.error({ err: error }, 'gateway request failed');
    sendRpcError(res, 500, RPC_ERROR.internalError, 'Internal error');
  };
  const ctx: GatewayContext = {
    registry,
    hub,
    logger,
    maxBodyBytes: options.maxBodyBytes ?? GATEWAY_DEFAULTS.maxBodyBytes,
    maxSessions,
    endedSession: options.endedSession,
    metrics: options.metrics,
    traceHeaders: options.traceHeaders === true,
    forwarding: options.forwarding,
    relay: options.forwarding === undefined ? undefined : new Relay(logger),
    fail,
  };
  let hosts: AllowedHosts = { exact: new Set(), anyPort: new Set() };
  const handle = (req: IncomingMessage, res: ServerResponse, call: CallContext): void => {
    try {
      dispatch(ctx, options, req, res, call)?.catch((error: unknown) => fail(res, error));
    } catch (error) {
      fail(res, error);
    }
  };
  const server = createServer((req, res) => {
    if (!guard(ctx, hosts, req, res)) return;
    // The dashboard is same-origin only: the Host/Origin checks above, no CORS headers, its own login.
    if (options.ui?.handles(req.url)) {
      options.ui.handle(req, res).catch((error: unknown) => fail(res, error));
      return;
    }
    allowOrigin(req, res);
    const call = options.gate
      ? options.gate(req, res)
      : { principal: LOCAL_OWNER, address: req.socket.remoteAddress ?? '' };
    if (call !== undefined) handle(req, res, call);
  });

  const traffic = options.metrics === undefined ? undefined : trackTraffic(server);

  await listen(server, options.host, options.port);
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(options.host, port, { forwarded: options.allowedHosts ?? [] });
  registry.startSweeper();
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${urlHost}:${port}`;
  logger.info({ url }, 'gateway listening');

  return {
    port,
    url,
    sessions: () => registry.list(),
    traffic: () => traffic?.() ?? { bytesIn: 0, bytesOut: 0 },
    handle,
    callerOf: (id) => registry.ownerOf(id)?.call,
    closeSessionsOf: (principal, reason) => registry.closeOwnedBy(ownerKey(principal), reason),
    killSession: (id, reason = 'killed') => registry.close(id, reason),
    drain: (timeoutMs) => registry.requests.drain(timeoutMs),
    close: async () => {
      registry.closeAll('gateway closed');
      hub.stop();
      ctx.relay?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      });
    },
  };
}

/** The loopback listener's Host and Origin checks (DNS rebinding); false once it answered 403. */
function guard(ctx: GatewayContext, hosts: AllowedHosts, req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader('vary', 'Origin');
  if (!isAllowedHost(req.headers.host, hosts)) {
    ctx.metrics?.rejected('host');
    sendRpcError(
      res,
      403,
      SERVER_ERROR,
      'Forbidden: the Host header does not name this gateway (a load balancer in front: add its name to gateway.allowedHosts)',
    );
    return false;
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (!isAllowedOrigin(origin, hosts)) {
      ctx.metrics?.rejected('origin');
      sendRpcError(
        res,
        403,
        SERVER_ERROR,
        'Forbidden: only loopback origins and gateway.allowedHosts may use this gateway',
      );
      return false;
    }
  }
  return true;
}

/** An allowlisted origin is echoed, never '*': a page on another origin gets nothing. */
function allowOrigin(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', 'Mcp-Session-Id');
}

/** A request whose Host, Origin and caller are settled, from either front door. */
function dispatch(
  ctx: GatewayContext,
  options: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
  call: CallContext,
): Promise<void> | undefined {
  const origin = req.headers.origin;
  if (isMetricsPath(req.url)) {
    if (options.authorizeMetrics?.(call) === false) {
      sendRpcError(res, 403, SERVER_ERROR, `Forbidden: a ${call.principal.role} token may not read /metrics`);
      return undefined;
    }
    return serveMetrics(ctx, req, res);
  }
  const route = parseRoute(req.url);
  if (route === undefined) {
    notFound(
      res,
      'Not Found: gateway endpoints are /servers/<name>/mcp, /servers/<name>/sse, /profiles/<name>/mcp and /profiles/<name>/sse',
    );
    return undefined;
  }
  const verdict = options.authorize?.(call, route) ?? 'ok';
  if (verdict === 'forbidden') {
    sendRpcError(res, 403, SERVER_ERROR, `Forbidden: a ${call.principal.role} token may not use the gateway`);
    return undefined;
  }
  const found = verdict === 'ok' ? options.backends(route.server) : undefined;
  if (found === undefined) {
    const profile = profileOfTarget(route.server);
    notFound(
      res,
      `Not Found: no ${profile === undefined ? `server named ${route.server}` : `profile named ${profile}`}`,
    );
    return undefined;
  }
  if (req.method === 'OPTIONS' && origin !== undefined) {
    sendEmpty(res, 204, {
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers':
        'Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID, Authorization',
      'access-control-max-age': '600',
    });
    return undefined;
  }
  const backend = call.principal.readOnly ? readOnlyBackend(found) : found;
  const owner = { key: ownerKey(call.principal), call };
  switch (route.endpoint) {
    case 'mcp':
      return handleStreamable(ctx, req, res, route.server, backend, owner);
    case 'sse':
      handleLegacyStream(ctx, req, res, route.server, backend, owner);
      return undefined;
    case 'messages':
      return handleLegacyMessage(ctx, req, res, route.server, route.query, owner);
  }
}

function isMetricsPath(url: string | undefined): boolean {
  return url === METRICS_PATH || url?.startsWith(`${METRICS_PATH}?`) === true;
}

/** `GET /metrics`: the Prometheus text exposition; 404 when metrics are off. */
async function serveMetrics(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (ctx.metrics === undefined) {
    notFound(res, 'Not Found: metrics are off (the metrics.enabled setting is false)');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendRpcError(res, 405, SERVER_ERROR, 'Method Not Allowed: read /metrics with GET', { allow: 'GET' });
    return;
  }
  const { contentType, body } = await ctx.metrics.scrape();
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Bytes on the wire, counted per connection when it closes plus the open ones' counts so far:
 * nothing per request or message, and headers count as much as bodies.
 */
function trackTraffic(server: Server): () => { bytesIn: number; bytesOut: number } {
  const open = new Set<Socket>();
  let closedIn = 0;
  let closedOut = 0;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      closedIn += socket.bytesRead;
      closedOut += socket.bytesWritten;
    });
  });
  return () => {
    let bytesIn = closedIn;
    let bytesOut = closedOut;
    for (const socket of open) {
      bytesIn += socket.bytesRead;
      bytesOut += socket.bytesWritten;
    }
    return { bytesIn, bytesOut };
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const inUse = error.code === 'EADDRINUSE' || error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES';
      reject(
        new McpctlError(
          inUse ? 'CONFIG_INVALID' : 'INTERNAL',
          `the gateway cannot listen on ${host}:${port}: ${error.message}`,
          {
            hint: inUse ? 'choose another gateway port (0 picks a free one) or stop the process using it' : undefined,
            cause: error,
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
