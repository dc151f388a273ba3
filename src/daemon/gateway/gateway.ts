import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RPC_ERROR } from '../../protocol/jsonrpc.js';
import { McpctlError } from '../../shared/errors.js';
import type { GatewayContext } from './context.js';
import { allowedHosts, isAllowedHost, isAllowedOrigin } from './guards.js';
import { handleLegacyMessage, handleLegacyStream } from './legacySse.js';
import { notFound, SERVER_ERROR, sendEmpty, sendRpcError } from './replies.js';
import { parseRoute, profileOfTarget } from './route.js';
import { SessionRegistry } from './sessionRegistry.js';
import { SseHub } from './sseWriter.js';
import { handleStreamable } from './streamableHttp.js';
import { GATEWAY_DEFAULTS, type Gateway, type GatewayOptions } from './types.js';

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
  const ctx: GatewayContext = {
    registry,
    hub,
    logger,
    maxBodyBytes: options.maxBodyBytes ?? GATEWAY_DEFAULTS.maxBodyBytes,
    maxSessions,
    endedSession: options.endedSession,
  };
  let hosts = new Set<string>();

  const fail = (res: ServerResponse, error: unknown): void => {
    logger.error({ err: error }, 'gateway request failed');
    sendRpcError(res, 500, RPC_ERROR.internalError, 'Internal error');
  };
  const server = createServer((req, res) => {
    try {
      serve(ctx, hosts, options, req, res)?.catch((error: unknown) => fail(res, error));
    } catch (error) {
      fail(res, error);
    }
  });

  await listen(server, options.host, options.port);
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(options.host, port);
  registry.startSweeper();
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${urlHost}:${port}`;
  logger.info({ url }, 'gateway listening');

  return {
    port,
    url,
    sessions: () => registry.list(),
    killSession: (id, reason = 'killed') => registry.close(id, reason),
    drain: (timeoutMs) => registry.requests.drain(timeoutMs),
    close: async () => {
      registry.closeAll('gateway closed');
      hub.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      });
    },
  };
}

function serve(
  ctx: GatewayContext,
  hosts: Set<string>,
  { backends, ui }: Pick<GatewayOptions, 'backends' | 'ui'>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> | undefined {
  res.setHeader('vary', 'Origin');
  if (!isAllowedHost(req.headers.host, hosts)) {
    sendRpcError(res, 403, SERVER_ERROR, 'Forbidden: the Host header does not name this gateway');
    return undefined;
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (!isAllowedOrigin(origin)) {
      sendRpcError(res, 403, SERVER_ERROR, 'Forbidden: only loopback origins may use this gateway');
      return undefined;
    }
  }
  // The dashboard is same-origin only: it gets the Host/Origin checks above and no CORS headers.
  if (ui?.handles(req.url)) return ui.handle(req, res);
  if (origin !== undefined) {
    // An allowlisted origin is echoed, never '*': a page on another origin gets nothing.
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'Mcp-Session-Id');
  }
  const route = parseRoute(req.url);
  if (route === undefined) {
    notFound(
      res,
      'Not Found: gateway endpoints are /servers/<name>/mcp, /servers/<name>/sse, /profiles/<name>/mcp and /profiles/<name>/sse',
    );
    return undefined;
  }
  const backend = backends(route.server);
  if (backend === undefined) {
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
  switch (route.endpoint) {
    case 'mcp':
      return handleStreamable(ctx, req, res, route.server, backend);
    case 'sse':
      handleLegacyStream(ctx, req, res, route.server, backend);
      return undefined;
    case 'messages':
      return handleLegacyMessage(ctx, req, res, route.server, route.query);
  }
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
