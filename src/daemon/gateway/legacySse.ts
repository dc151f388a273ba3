import type { IncomingMessage, ServerResponse } from 'node:http';
import { RPC_ERROR } from '../../protocol/jsonrpc.js';
import type { SessionBackend } from '../../protocol/session.js';
import { bodyOf, isJsonContentType, TOO_LARGE } from './body.js';
import type { GatewayContext } from './context.js';
import { openElsewhere, sessionElsewhere } from './elsewhere.js';
import { type Framed, frameBody, isRequestMessage } from './framing.js';
import { LegacySession } from './legacySession.js';
import {
  payloadTooLarge,
  SERVER_ERROR,
  sendRpcError,
  sessionNotFound,
  shuttingDown,
  tooManySessions,
} from './replies.js';
import { describeTarget, targetPath } from './route.js';
import { isWellFormedSessionId, newSessionId } from './sessionIds.js';
import { adoptTraceHeader } from './traceHeader.js';
import type { SessionOwner } from './types.js';

/** The protocol version the legacy transport belongs to (it allowed batches). */
const LEGACY_VERSION = '2024-11-05';

/** `GET /servers/<name>/sse`: opens a session and tells the client where to POST. */
export function handleLegacyStream(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  server: string,
  backend: SessionBackend,
  owner: SessionOwner,
): void {
  if (req.method !== 'GET') {
    sendRpcError(res, 405, SERVER_ERROR, 'Method Not Allowed: open the SSE stream with GET', { allow: 'GET' });
    return;
  }
  if (openElsewhere(ctx, req, res, server, owner.call)) return;
  if (ctx.registry.requests.draining) {
    shuttingDown(res);
    return;
  }
  if (ctx.registry.isFull) {
    ctx.metrics?.rejected('sessions');
    tooManySessions(res, ctx.maxSessions);
    return;
  }
  const id = newSessionId();
  const session = new LegacySession(id, server, ctx.registry, ctx.logger);
  try {
    session.attach(backend.open(id, session));
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
  session.start(res, ctx.hub, `${targetPath(server)}/messages?sessionId=${id}`);
}

/** `POST /servers/<name>/messages?sessionId=<id>`: every answer goes out on the session's SSE stream. */
export async function handleLegacyMessage(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  server: string,
  query: string,
  owner: SessionOwner,
): Promise<void> {
  if (req.method !== 'POST') {
    sendRpcError(res, 405, SERVER_ERROR, 'Method Not Allowed: send messages with POST', { allow: 'POST' });
    return;
  }
  const rawId = new URLSearchParams(query).get('sessionId');
  if (rawId === null) {
    sendRpcError(res, 400, SERVER_ERROR, 'Bad Request: the sessionId query parameter is required');
    return;
  }
  if (!isWellFormedSessionId(rawId)) {
    sendRpcError(res, 400, SERVER_ERROR, 'Bad Request: sessionId must be 1-128 visible ASCII characters');
    return;
  }
  const session = ctx.registry.owned(rawId, owner);
  if (!(session instanceof LegacySession) || session.info.server !== server || !session.isOpen) {
    // Held by another node of the cluster: its messages go there, its answers come on that node's stream.
    if (session === undefined && ctx.registry.get(rawId) === undefined) {
      sessionElsewhere(ctx, req, res, rawId, owner.call, () => sessionNotFound(res));
    } else sessionNotFound(res);
    return;
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    sendRpcError(res, 415, SERVER_ERROR, 'Unsupported Media Type: Content-Type must be application/json');
    return;
  }
  const body = await bodyOf(req, ctx.maxBodyBytes);
  if (body === undefined) return;
  if (body === TOO_LARGE) {
    session.info.errors += 1;
    ctx.metrics?.rejected('size');
    payloadTooLarge(res, ctx.maxBodyBytes);
    return;
  }
  const framed = frameBody(body, true, LEGACY_VERSION);
  if (!framed.ok) {
    session.info.errors += 1;
    sendRpcError(res, framed.status, framed.error.error.code, framed.error.error.message);
    return;
  }
  if (!session.isOpen) {
    sessionNotFound(res);
    return;
  }
  if (ctx.traceHeaders) adoptTraceHeader(req, framed);
  // A stopping daemon still takes notifications and answers: requests in flight may wait on them.
  if (ctx.registry.requests.draining && carriesRequest(framed)) {
    shuttingDown(res);
    return;
  }
  if (framed.batch) {
    for (const error of framed.errors) session.reject(error);
    for (const message of framed.messages) session.receive(message);
  } else {
    session.receive(framed.message);
  }
  res.writeHead(202, { 'content-type': 'text/plain', 'content-length': 8 });
  res.end('Accepted');
}

function carriesRequest(framed: Framed & { ok: true }): boolean {
  return framed.batch ? framed.messages.some(isRequestMessage) : isRequestMessage(framed.message);
}
