import type { IncomingMessage, ServerResponse } from 'node:http';
import { RPC_ERROR } from '../../protocol/jsonrpc.js';
import type { SessionBackend } from '../../protocol/session.js';
import { type BodyOutcome, isJsonContentType, readBody, TOO_LARGE } from './body.js';
import type { GatewayContext } from './context.js';
import { openElsewhere, sessionElsewhere } from './elsewhere.js';
import { parseEventId } from './eventStream.js';
import { type Framed, frameBody, isRequestMessage } from './framing.js';
import {
  ASSUMED_PROTOCOL_VERSION,
  allowsBatches,
  isSupportedProtocolVersion,
  unsupportedVersionMessage,
} from './protocolVersion.js';
import {
  headerOf,
  payloadTooLarge,
  SERVER_ERROR,
  sendEmpty,
  sendRpcError,
  sessionNotFound,
  shuttingDown,
  tooManySessions,
} from './replies.js';
import { describeTarget } from './route.js';
import { isWellFormedSessionId, newSessionId } from './sessionIds.js';
import { clientInfoOf } from './sessionRegistry.js';
import { StreamableSession } from './streamableSession.js';
import { adoptTraceHeader } from './traceHeader.js';
import type { SessionOwner } from './types.js';

/** `/servers/<name>/mcp`: the Streamable HTTP transport of MCP 2025-11-25. */
export function handleStreamable(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  server: string,
  backend: SessionBackend,
  owner: SessionOwner,
): Promise<void> | undefined {
  switch (req.method) {
    case 'POST':
      handlePost(ctx, req, res, server, backend, owner);
      return undefined;
    case 'GET':
      handleGet(ctx, req, res, server, owner);
      return undefined;
    case 'DELETE':
      handleDelete(ctx, req, res, server, owner);
      return undefined;
    default:
      sendRpcError(res, 405, SERVER_ERROR, 'Method Not Allowed: use POST, GET or DELETE', {
        allow: 'GET, POST, DELETE',
      });
      return undefined;
  }
}

function handlePost(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  server: string,
  backend: SessionBackend,
  owner: SessionOwner,
): void {
  const accept = req.headers.accept;
  if (accept === undefined || !accept.includes('application/json') || !accept.includes('text/event-stream')) {
    sendRpcError(
      res,
      406,
      SERVER_ERROR,
      'Not Acceptable: Accept must list both application/json and text/event-stream',
    );
    return;
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    sendRpcError(res, 415, SERVER_ERROR, 'Unsupported Media Type: Content-Type must be application/json');
    return;
  }
  const version = versionOf(req, res);
  if (version === null) return;
  const rawId = headerOf(req.headers['mcp-session-id']);
  // An initialize for a server that runs only on other nodes opens its session there.
  if (rawId === undefined && openElsewhere(ctx, req, res, server, owner.call)) return;
  const session = rawId === undefined ? undefined : sessionFrom(ctx, req, res, rawId, server, owner);
  if (session === null) return;
  session?.track(res);
  readBody(req, ctx.maxBodyBytes, (body) => {
    // A callback, not an await: what throws here is answered as the dispatcher answers a throw.
    try {
      receivePost(ctx, req, res, server, backend, owner, version, session, body);
    } catch (error) {
      ctx.fail(res, error);
    }
  });
}

/** A POST's body is in: frame it, then open a session or hand it to the one it names. */
function receivePost(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  server: string,
  backend: SessionBackend,
  owner: SessionOwner,
  version: string | undefined,
  session: StreamableSession | undefined,
  body: BodyOutcome,
): void {
  if (body === undefined) return;
  if (body === TOO_LARGE) {
    if (session !== undefined) session.info.errors += 1;
    ctx.metrics?.rejected('size');
    payloadTooLarge(res, ctx.maxBodyBytes);
    return;
  }
  const effective = version ?? session?.protocolVersion ?? ASSUMED_PROTOCOL_VERSION;
  const framed = frameBody(body, allowsBatches(effective), effective);
  if (!framed.ok) {
    if (session !== undefined) session.info.errors += 1;
    sendRpcError(res, framed.status, framed.error.error.code, framed.error.error.message);
    return;
  }
  if (ctx.traceHeaders) adoptTraceHeader(req, framed);
  if (session === undefined) {
    openSession(ctx, res, server, backend, framed, owner);
    return;
  }
  // The session may have ended while the body was arriving.
  if (!session.isOpen) sessionNotFound(res);
  else if (framed.batch) session.dispatch(res, framed.messages, framed.errors, true);
  else session.dispatch(res, [framed.message], [], false);
}

/** A POST without a session id: it must be a lone initialize request, which opens a session. */
function openSession(
  ctx: GatewayContext,
  res: ServerResponse,
  server: string,
  backend: SessionBackend,
  framed: Framed & { ok: true },
  owner: SessionOwner,
): void {
  const message = framed.batch ? undefined : framed.message;
  if (message === undefined || !isRequestMessage(message) || message.method !== 'initialize') {
    sendRpcError(
      res,
      400,
      SERVER_ERROR,
      'Bad Request: Mcp-Session-Id header is required (only a lone initialize request opens a session)',
    );
    return;
  }
  if (ctx.registry.requests.draining) {
    shuttingDown(res);
    return;
  }
  if (ctx.registry.isFull) {
    ctx.metrics?.rejected('sessions');
    tooManySessions(res, ctx.maxSessions);
    return;
  }
  const session = new StreamableSession(
    ctx.forwarding?.newSessionId() ?? newSessionId(),
    server,
    ctx.hub,
    ctx.registry,
    ctx.logger,
  );
  const clientInfo = clientInfoOf(message.params);
  if (clientInfo !== undefined) session.info.clientInfo = clientInfo;
  try {
    session.attach(backend.open(session.info.id, session));
  } catch (error) {
    ctx.logger.warn({ err: error, server }, 'gateway could not open a backend session');
    sendRpcError(
      res,
      500,
      RPC_ERROR.internalError,
      `Internal error: could not open a session on ${describeTarget(server)}`,
    );
    return;
  }
  ctx.registry.add(session, owner);
  session.track(res);
  session.initialize(res, message);
}

function handleGet(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  server: string,
  owner: SessionOwner,
): void {
  if (req.headers.accept?.includes('text/event-stream') !== true) {
    sendRpcError(res, 406, SERVER_ERROR, 'Not Acceptable: Accept must list text/event-stream');
    return;
  }
  const session = requiredSession(ctx, req, res, server, owner);
  if (session === null) return;
  session.track(res);
  const lastEventId = headerOf(req.headers['last-event-id']);
  if (lastEventId !== undefined) {
    const at = parseEventId(lastEventId);
    if (at === undefined || !session.resume(res, at.no, at.seq)) {
      sendRpcError(res, 400, SERVER_ERROR, 'Bad Request: Last-Event-ID names no stream of this session');
    }
    return;
  }
  if (!session.openStandalone(res)) {
    sendRpcError(res, 409, SERVER_ERROR, 'Conflict: this session already has a GET stream open');
  }
}

function handleDelete(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  server: string,
  owner: SessionOwner,
): void {
  const session = requiredSession(ctx, req, res, server, owner);
  if (session === null) return;
  ctx.registry.close(session.info.id, 'client ended the session');
  sendEmpty(res, 200);
}

/** The MCP-Protocol-Version header: undefined when absent, null when refused (answered 400). */
function versionOf(req: IncomingMessage, res: ServerResponse): string | undefined | null {
  const version = headerOf(req.headers['mcp-protocol-version']);
  if (version === undefined || isSupportedProtocolVersion(version)) return version;
  sendRpcError(res, 400, SERVER_ERROR, unsupportedVersionMessage(version));
  return null;
}

function requiredSession(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  server: string,
  owner: SessionOwner,
): StreamableSession | null {
  const rawId = headerOf(req.headers['mcp-session-id']);
  if (rawId === undefined) {
    sendRpcError(res, 400, SERVER_ERROR, 'Bad Request: Mcp-Session-Id header is required');
    return null;
  }
  if (versionOf(req, res) === null) return null;
  return sessionFrom(ctx, req, res, rawId, server, owner);
}

/**
 * The open session named by a request, or null after answering 400 (malformed) or 404 (unknown),
 * or once the request went to the node that owns the session.
 */
function sessionFrom(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  rawId: string,
  server: string,
  owner: SessionOwner,
): StreamableSession | null {
  if (!isWellFormedSessionId(rawId)) {
    sendRpcError(res, 400, SERVER_ERROR, 'Bad Request: Mcp-Session-Id must be 1-128 visible ASCII characters');
    return null;
  }
  const session = ctx.registry.owned(rawId, owner);
  // A session of another server, transport or principal is as unknown here as a made-up id.
  if (!(session instanceof StreamableSession) || session.info.server !== server || !session.isOpen) {
    if (session === undefined && ctx.registry.get(rawId) === undefined) {
      sessionElsewhere(ctx, req, res, rawId, owner.call, () => unknownSession(ctx, res, rawId));
    } else sessionNotFound(res);
    return null;
  }
  return session;
}

/** An id the gateway does not hold: the history says whether it was killed (a rare path, one store read). */
function unknownSession(ctx: GatewayContext, res: ServerResponse, id: string): void {
  if (ctx.endedSession === undefined) {
    sessionNotFound(res);
    return;
  }
  ctx.endedSession(id).then(
    (ended) => sessionNotFound(res, ended),
    () => sessionNotFound(res),
  );
}
