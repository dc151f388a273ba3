import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallContext, Principal } from '../../shared/principal.js';
import type { FailureLimiter } from './failureLimiter.js';

/**
 * The credential in an `Authorization` header: undefined when there is none, '' when it is not
 * one Bearer credential (the token service refuses '' as malformed). Long headers are cut off
 * unread: a token is 50 characters.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.length > 512) return '';
  const match = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
  return match?.[1] ?? '';
}

const TOKEN_PARAMS = new Set(['access_token', 'token', 'api_key', 'apikey', 'key', 'auth', 'authorization']);

/** A token in the URL ends up in proxy logs and shell history: refused before anything reads it. */
export function hasTokenInQuery(url: string | undefined): boolean {
  const q = url?.indexOf('?') ?? -1;
  if (url === undefined || q === -1) return false;
  for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
    if (TOKEN_PARAMS.has(name.toLowerCase()) || value.startsWith('mcpctl_')) return true;
  }
  return false;
}

/** `connection` (the request's socket) lets the check remember what the connection presented last. */
export type TokenCheck = (
  token: string | undefined,
  connection?: object,
) => { ok: true; principal: Principal } | { ok: false; reason: string };

/** Writes a refusal in the front door's own body style (JSON-RPC error or control error envelope). */
export type Refuse = (res: ServerResponse, status: number, message: string, headers: Record<string, string>) => void;

export interface BearerGateOptions {
  check: TokenCheck;
  limiter: FailureLimiter;
  /** Told of every refused attempt (the audit log's hook); never given the token. */
  onRefused?: (address: string, reason: string) => void;
}

/**
 * Who calls, from the request's bearer token; or undefined once it has answered 400 (token in
 * the query), 429 (too many failures from this address, with Retry-After) or 401 (with
 * `WWW-Authenticate: Bearer`). Nothing here logs a URL or a header.
 */
export function authenticateRequest(
  options: BearerGateOptions,
  req: IncomingMessage,
  res: ServerResponse,
  refuse: Refuse,
): CallContext | undefined {
  const address = req.socket.remoteAddress ?? 'unknown';
  if (hasTokenInQuery(req.url)) {
    options.limiter.fail(address);
    options.onRefused?.(address, 'token in query string');
    refuse(res, 400, 'Bad Request: send the token in the Authorization header, never in the URL', {});
    return undefined;
  }
  const wait = options.limiter.retryAfter(address);
  if (wait > 0) {
    refuse(res, 429, 'Too Many Requests: too many failed authentications from this address', {
      'retry-after': String(wait),
    });
    return undefined;
  }
  const result = options.check(bearerToken(req.headers.authorization), req.socket);
  if (!result.ok) {
    options.limiter.fail(address);
    options.onRefused?.(address, result.reason);
    const message =
      result.reason === 'missing'
        ? 'Unauthorized: this endpoint needs a token (Authorization: Bearer mcpctl_...)'
        : `Unauthorized: the token is ${result.reason === 'expired' ? 'expired' : 'not valid'}`;
    refuse(res, 401, message, { 'www-authenticate': 'Bearer realm="mcpctl"' });
    return undefined;
  }
  return { principal: result.principal, address };
}
