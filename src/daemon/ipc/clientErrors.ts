import { type ErrorPayload, McpctlError } from '../../shared/errors.js';

/** Connection failures that prove the request never reached a daemon: safe to start one and retry. */
const NOT_RUNNING_CODES = new Set(['ENOENT', 'ECONNREFUSED']);

/** Turns a socket-level failure into the error the user should see. */
export function toClientError(socketPath: string, error: unknown): McpctlError {
  if (error instanceof McpctlError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && NOT_RUNNING_CODES.has(code)) {
    return new McpctlError('DAEMON_UNREACHABLE', `the mcpctl daemon is not running (no answer on ${socketPath})`, {
      hint: "start it with 'mcpctl daemon start'",
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new McpctlError('PERMISSION_DENIED', `permission denied on the daemon socket ${socketPath}`, {
      hint: 'the daemon belongs to another user: run mcpctl as that user, or set MCPCTL_HOME to a folder of yours',
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new McpctlError(
    'DAEMON_UNREACHABLE',
    `the daemon on ${socketPath} closed the connection before answering (${reason})`,
    {
      hint: "it may have stopped or crashed: check 'mcpctl daemon logs', then retry",
      cause: error,
    },
  );
}

/** True when no daemon listens at all (as opposed to one that failed mid-request). */
export function isDaemonNotRunning(error: unknown): boolean {
  if (!(error instanceof McpctlError) || error.code !== 'DAEMON_UNREACHABLE') return false;
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && NOT_RUNNING_CODES.has(code);
}

/** The error a non-2xx answer carries, or a generic one when its body is not an error payload. */
export function errorFromAnswer(status: number, body: unknown): McpctlError {
  if (isErrorEnvelope(body)) return McpctlError.fromPayload(body.error);
  return new McpctlError('INTERNAL', `the daemon answered HTTP ${status} without an error description`, {
    hint: "check 'mcpctl daemon logs'; the CLI and the daemon may be different versions",
  });
}

/** `{"error": {code, message, ...}}`: the shape of error answers and of a stream's last line. */
export function isErrorEnvelope(value: unknown): value is { error: ErrorPayload } {
  if (typeof value !== 'object' || value === null || Object.keys(value).length !== 1) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string';
}
