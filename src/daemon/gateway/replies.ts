import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { errorResponse, RPC_ERROR } from '../../protocol/jsonrpc.js';
import { SESSION_NOT_FOUND, type SessionEndData } from '../../protocol/sessionEnd.js';

/** MCP's implementation-defined server errors, as the SDK's transports use them. */
export const SERVER_ERROR = -32000;

/**
 * Answers with a JSON-RPC error whose id is null: the HTTP status tells the client what
 * went wrong with the request as a whole, the body says it in JSON-RPC terms.
 */
export function sendRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers?: OutgoingHttpHeaders,
  data?: unknown,
): void {
  if (res.headersSent) {
    // Mid-stream there is no status to send any more: cutting the connection is the only signal left.
    res.destroy();
    return;
  }
  const body = JSON.stringify(errorResponse(null, code, message, data));
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendJsonText(res: ServerResponse, body: string, headers?: OutgoingHttpHeaders): void {
  res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status: number, headers?: OutgoingHttpHeaders): void {
  res.writeHead(status, { ...headers, 'content-length': 0 });
  res.end();
}

export function notFound(res: ServerResponse, message: string): void {
  sendRpcError(res, 404, SERVER_ERROR, message);
}

/** `ended`: why the session ended, when the client must know it (a killed session is not to be replaced). */
export function sessionNotFound(res: ServerResponse, ended?: SessionEndData): void {
  if (ended !== undefined) {
    const message = 'Session not found: it was killed (mcpctl session kill); do not open a new one';
    sendRpcError(res, 404, SESSION_NOT_FOUND, message, undefined, ended);
    return;
  }
  sendRpcError(
    res,
    404,
    SESSION_NOT_FOUND,
    'Session not found: it ended, expired or never existed; initialize a new one',
  );
}

/**
 * 413 on a keep-alive connection: Node then reads the rest of the body and discards it, so the
 * answer reaches the client. Closing instead would reset a connection whose body is still
 * arriving, and the reset can overtake the answer (the client sees EPIPE and no status at all).
 */
export function payloadTooLarge(res: ServerResponse, limit: number): void {
  sendRpcError(res, 413, RPC_ERROR.invalidRequest, `Payload Too Large: the request body exceeds ${limit} bytes`);
}

export function tooManySessions(res: ServerResponse, max: number): void {
  sendRpcError(res, 503, SERVER_ERROR, `Service Unavailable: the gateway already holds ${max} sessions`, {
    'retry-after': '5',
  });
}

/** A stopping daemon finishes what it took and takes nothing new; a client may retry once it is back. */
export function shuttingDown(res: ServerResponse): void {
  sendRpcError(res, 503, SERVER_ERROR, 'Service Unavailable: the daemon is stopping; retry once it is back', {
    'retry-after': '5',
  });
}

/** A single request header as a string; repeated headers that Node keeps as arrays count as absent. */
export function headerOf(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
