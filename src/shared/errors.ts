import { exitCodeFor } from './exitCodes.js';

/**
 * The one error family. `code` is a stable string (scripts and the control API
 * match on it); `kind` is the seed's user/system/network split; `hint` tells the
 * user what to do next. The same shape crosses the control API and is rebuilt
 * as this class in the CLI.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'ALREADY_EXISTS',
  'CONFIG_INVALID',
  'STORE_CORRUPT',
  'STORE_WRITE_FAILED',
  'STORE_UNAVAILABLE',
  'PERMISSION_DENIED',
  'SERVER_FAILED',
  'DAEMON_UNREACHABLE',
  'DAEMON_RUNNING',
  'UPSTREAM_UNREACHABLE',
  'TIMEOUT',
  'NOT_FOUND',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorKind = 'user' | 'system' | 'network';

const KIND_BY_CODE: Record<ErrorCode, ErrorKind> = {
  INVALID_ARGUMENT: 'user',
  ALREADY_EXISTS: 'user',
  CONFIG_INVALID: 'user',
  STORE_CORRUPT: 'system',
  STORE_WRITE_FAILED: 'system',
  STORE_UNAVAILABLE: 'network',
  PERMISSION_DENIED: 'user',
  SERVER_FAILED: 'system',
  DAEMON_UNREACHABLE: 'network',
  DAEMON_RUNNING: 'user',
  UPSTREAM_UNREACHABLE: 'network',
  TIMEOUT: 'network',
  NOT_FOUND: 'user',
  INTERNAL: 'system',
};

export interface ErrorPayload {
  kind: ErrorKind;
  code: ErrorCode;
  message: string;
  hint?: string;
}

export class McpctlError extends Error {
  override readonly name = 'McpctlError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  get kind(): ErrorKind {
    return KIND_BY_CODE[this.code];
  }

  get exitCode(): number {
    return exitCodeFor(this.code);
  }

  toPayload(): ErrorPayload {
    const payload: ErrorPayload = { kind: this.kind, code: this.code, message: this.message };
    if (this.hint !== undefined) payload.hint = this.hint;
    return payload;
  }

  static fromPayload(payload: ErrorPayload): McpctlError {
    const code = (ERROR_CODES as readonly string[]).includes(payload.code) ? payload.code : 'INTERNAL';
    return new McpctlError(code, payload.message, payload.hint === undefined ? {} : { hint: payload.hint });
  }
}

/** Wraps anything thrown into an McpctlError, keeping the original as `cause`. */
export function toMcpctlError(error: unknown): McpctlError {
  if (error instanceof McpctlError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new McpctlError('INTERNAL', message, { cause: error });
}
