import { chmodSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { type CallContext, LOCAL_CALL, type Principal } from '../../shared/principal.js';
import { unlinkQuietly } from '../service/files.js';
import { sendError, sendJson } from './httpReply.js';
import { checkSocketPathLength, listen } from './listenSocket.js';
import { readJsonBody } from './readBody.js';
import { clearStaleSocket, prepareRuntimeDir } from './socketFile.js';
import { writeStream } from './streamReply.js';

/** Every handler learns who calls: LOCAL_CALL on the socket, a token's principal on the remote listener. */
export type MethodHandler = (body: unknown, call: CallContext) => Promise<unknown>;
export type StreamHandler = (
  body: unknown,
  call: CallContext,
  signal: AbortSignal,
) => Promise<AsyncIterable<unknown>> | AsyncIterable<unknown>;

export interface ControlDispatchOptions {
  methods: Record<string, MethodHandler>;
  streams: Record<string, StreamHandler>;
  logger: Logger;
}

export interface ControlServerOptions extends ControlDispatchOptions {
  socketPath: string;
}

/** Answers one control request (`/v1/...`) for a caller already known; shared by the socket and the remote listener. */
export interface ControlDispatch {
  handle(req: IncomingMessage, res: ServerResponse, call: CallContext): void;
  /** Ends open streams (their signals abort). */
  abortStreams(): void;
  /** Ends the open streams a token's holder opened (the token was revoked or expired). */
  abortStreamsOf(tokenName: string): void;
}

export function createControlDispatch(options: ControlDispatchOptions): ControlDispatch {
  const openStreams: OpenStreams = new Map();
  return {
    handle(req, res, call) {
      route(req, res, options, openStreams, call).catch((error: unknown) => {
        options.logger.error({ err: error, path: pathOf(req.url) }, 'control request failed unexpectedly');
        if (!res.headersSent) sendError(res, internalError(pathOf(req.url)));
        else res.destroy();
      });
    },
    abortStreams() {
      for (const stream of openStreams.keys()) stream.abort();
    },
    abortStreamsOf(tokenName) {
      for (const [stream, principal] of openStreams) {
        if (principal.kind === 'token' && principal.name === tokenName) stream.abort();
      }
    },
  };
}

/** Each open stream with who opened it. */
type OpenStreams = Map<AbortController, Principal>;

/** The path without its query: a query string may hold a token and is never logged. */
function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

export interface ControlServer {
  /** Stops accepting, ends open streams (their signals abort), removes the socket. Idempotent. */
  close(): Promise<void>;
}

/** In-flight method calls get this long to answer once close() is called. */
const CLOSE_GRACE_MS = 3000;

/**
 * The control API listener: HTTP/JSON on a Unix socket (0600 in a 0700 folder: whoever
 * can connect is the owner, hence admin). `POST /v1/<method>` answers JSON,
 * `POST /v1/<stream>` answers NDJSON until the client leaves, `GET /v1/health` is cheap.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { socketPath, logger } = options;
  checkSocketPathLength(socketPath);
  prepareRuntimeDir(dirname(socketPath));
  await clearStaleSocket(socketPath);

  const dispatch = createControlDispatch(options);
  const server = createServer((req, res) => dispatch.handle(req, res, LOCAL_CALL));
  server.on('error', (error) => logger.error({ err: error }, 'control server error'));

  await listen(server, socketPath);
  try {
    chmodSync(socketPath, 0o600);
  } catch (cause) {
    await closeServer(server);
    unlinkQuietly(socketPath);
    throw new McpctlError('PERMISSION_DENIED', `cannot restrict the control socket ${socketPath} to its owner`, {
      hint: 'check the permissions of the runtime directory',
      cause,
    });
  }

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        const closed = closeServer(server);
        dispatch.abortStreams();
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        await closed;
        clearTimeout(force);
        unlinkQuietly(socketPath);
        logger.info({ socket: socketPath }, 'control API closed');
      })();
      return closing;
    },
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  options: ControlDispatchOptions,
  openStreams: OpenStreams,
  call: CallContext,
): Promise<void> {
  const path = pathOf(req.url);
  const name = path.startsWith('/v1/') ? path.slice(4) : undefined;
  if (name === 'health') {
    if (req.method === 'GET') sendJson(res, 200, { ok: true, pid: process.pid });
    else sendError(res, notAllowed('GET', path), 405, { allow: 'GET' });
    return;
  }
  const method = name === undefined ? undefined : ownEntry(options.methods, name);
  const stream = name === undefined || method ? undefined : ownEntry(options.streams, name);
  if (name === undefined || (!method && !stream)) {
    const known = [...Object.keys(options.methods), ...Object.keys(options.streams)].sort().join(', ');
    const what = name === undefined ? `path '${path}'` : `control method '${name}'`;
    const error = new McpctlError('NOT_FOUND', `unknown ${what}`, {
      hint: `the daemon knows: ${known}; if the CLI is newer than the daemon, restart it ('mcpctl daemon stop')`,
    });
    sendError(res, error);
    return;
  }
  if (req.method !== 'POST') {
    sendError(res, notAllowed('POST', path), 405, { allow: 'POST' });
    return;
  }
  const body = await readJsonBody(req);
  if (!body.ok) {
    sendError(res, body.error, body.status);
    return;
  }
  const publicError = (error: unknown): McpctlError => toPublicError(name, error, options.logger);
  if (method) {
    let output: unknown;
    try {
      output = await method(body.value, call);
    } catch (error) {
      sendError(res, publicError(error));
      return;
    }
    sendJson(res, 200, output);
  } else if (stream) {
    const controller = new AbortController();
    openStreams.set(controller, call.principal);
    try {
      await writeStream(res, () => stream(body.value, call, controller.signal), controller, publicError);
    } finally {
      openStreams.delete(controller);
    }
  }
}

/** Handlers throw McpctlError on purpose; anything else is a bug: logged in full, answered briefly. */
function toPublicError(name: string, error: unknown, logger: Logger): McpctlError {
  if (error instanceof McpctlError) return error;
  logger.error(
    { method: name, err: error, stack: error instanceof Error ? error.stack : undefined },
    'control handler threw',
  );
  return internalError(name);
}

function internalError(name: string): McpctlError {
  return new McpctlError('INTERNAL', `the daemon hit an internal error while handling '${name}'`, {
    hint: "the daemon log has the details: run 'mcpctl daemon logs'",
  });
}

function notAllowed(allowed: string, path: string): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', `${path} accepts only ${allowed} requests`, {
    hint: `send ${allowed} ${path}`,
  });
}

/** Own keys only: 'constructor' or '__proto__' in a URL must not reach Object.prototype. */
function ownEntry<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
