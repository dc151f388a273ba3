import type { ErrorCode } from './errors.js';

/** The one exit-code table (DESIGN.md, "Errors and exit codes"). Only the entry point exits. */
export const EXIT = {
  ok: 0,
  general: 1,
  usage: 2,
  config: 3,
  permission: 4,
  server: 5,
  network: 6,
  timeout: 7,
  notFound: 8,
} as const;

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: EXIT.usage,
  ALREADY_EXISTS: EXIT.usage,
  CONFIG_INVALID: EXIT.config,
  STORE_CORRUPT: EXIT.general,
  STORE_WRITE_FAILED: EXIT.general,
  STORE_UNAVAILABLE: EXIT.network,
  PERMISSION_DENIED: EXIT.permission,
  SERVER_FAILED: EXIT.server,
  DAEMON_UNREACHABLE: EXIT.network,
  DAEMON_RUNNING: EXIT.general,
  UPSTREAM_UNREACHABLE: EXIT.network,
  TIMEOUT: EXIT.timeout,
  NOT_FOUND: EXIT.notFound,
  INTERNAL: EXIT.general,
};

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_BY_CODE[code];
}
