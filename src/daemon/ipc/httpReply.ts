import type { ServerResponse } from 'node:http';
import type { ErrorCode, McpctlError } from '../../shared/errors.js';

/** HTTP status per error code: the body carries the real code, the status only helps curl and proxies. */
const STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  ALREADY_EXISTS: 409,
  CONFIG_INVALID: 422,
  STORE_CORRUPT: 500,
  STORE_WRITE_FAILED: 507,
  STORE_UNAVAILABLE: 503,
  PERMISSION_DENIED: 403,
  SERVER_FAILED: 502,
  DAEMON_UNREACHABLE: 503,
  DAEMON_RUNNING: 409,
  UPSTREAM_UNREACHABLE: 502,
  TIMEOUT: 504,
  NOT_FOUND: 404,
  INTERNAL: 500,
};

export function statusForCode(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  // JSON.stringify(undefined) is undefined: a handler that returns nothing answers `null`.
  const text = JSON.stringify(body) ?? 'null';
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** `status` overrides the code's status where HTTP has a more precise one (413, 405). */
export function sendError(
  res: ServerResponse,
  error: McpctlError,
  status?: number,
  headers?: Record<string, string>,
): void {
  sendJson(res, status ?? statusForCode(error.code), { error: error.toPayload() }, headers);
}
