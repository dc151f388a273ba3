import { McpctlError } from '../../shared/errors.js';
import { translatingFailures } from '../storageFailure.js';
import { type PostgresLocation, withoutPassword } from './location.js';

/** The SQLSTATE of an error from PostgreSQL (pg's DatabaseError), or undefined for anything else. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

export function isForeignKeyViolation(error: unknown): boolean {
  return sqlState(error) === '23503';
}

/** Socket-level failures: the server is down, unreachable, or went away mid-query. */
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  // A Unix socket path with nothing listening.
  'ENOENT',
]);
/** pg's own words when a connection ends or never opens in time (these errors carry no code). */
const NETWORK_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Query read timeout/i;

/**
 * Why PostgreSQL cannot be used right now, in words, or undefined when the error is about the
 * statement itself. SQLSTATE classes: 08 connection, 57P0x shutdown/starting, 53300 too many
 * connections, 28 authentication, 3D000 no such database.
 */
function unavailableReason(error: unknown): string | undefined {
  const state = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  if (state !== undefined) {
    if (state.startsWith('08') || state.startsWith('57P') || state === '53300' || state.startsWith('28'))
      return message;
    if (state === '3D000') return message;
    return undefined;
  }
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (errno !== undefined && NETWORK_ERRNOS.has(errno)) return message;
  if (NETWORK_MESSAGES.test(message)) return message;
  return undefined;
}

/** The server refused to store: disk full (53100), read-only (25006), I/O error (58030). */
function refusedWrite(error: unknown): string | undefined {
  const state = sqlState(error);
  if (state === '53100') return 'disk full';
  if (state === '25006') return 'read-only';
  if (state === '58030') return 'I/O error';
  return undefined;
}

/**
 * STORE_UNAVAILABLE (exit 6) when PostgreSQL cannot be reached, STORE_WRITE_FAILED when it refused
 * a write for lack of space or a read-only state; undefined for any other error. The message names
 * the host and the reason, never the password.
 */
export function postgresFailure(error: unknown, location: PostgresLocation): McpctlError | undefined {
  // Already said in words by a repository (NOT_FOUND, ALREADY_EXISTS...).
  if (error instanceof McpctlError) return undefined;
  const clean = (text: string) => withoutPassword(text, location.password);
  const unavailable = unavailableReason(error);
  if (unavailable !== undefined) {
    return new McpctlError(
      'STORE_UNAVAILABLE',
      `cannot reach the store postgres ${location.target}: ${clean(unavailable)}`,
      {
        hint: `check that PostgreSQL runs and accepts this daemon at ${location.target}; the command changed nothing, run it again once it does`,
      },
    );
  }
  const refused = refusedWrite(error);
  if (refused !== undefined) {
    const detail = clean(error instanceof Error ? error.message : String(error));
    return new McpctlError(
      'STORE_WRITE_FAILED',
      `${refused}: could not write to the store postgres ${location.target} (${detail})`,
      {
        hint: `the PostgreSQL server at ${location.target} refuses writes: fix it (space, read-only mode), then run the command again`,
      },
    );
  }
  return undefined;
}

/** The same repository, every method of which reports PostgreSQL failures as typed errors. */
export function reportingPostgresFailures<T extends object>(repository: T, location: PostgresLocation): T {
  return translatingFailures(repository, (error) => postgresFailure(error, location));
}
