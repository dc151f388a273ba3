import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';

/**
 * The file system refused a read or write of the database: full, read-only, or
 * failing. Named in words ("disk full: ...") so the user knows what to fix; the
 * command that caused it fails, and the same command succeeds once it is fixed.
 */
interface Failure {
  what: string;
  hint: (dir: string) => string;
}

const DISK_FULL: Failure = {
  what: 'disk full',
  hint: (dir) => `free some space on the file system that holds ${dir}, then run the command again`,
};
const READ_ONLY: Failure = {
  what: 'read-only file system',
  hint: (dir) => `make ${dir} writable again (remount it read-write), or point MCPCTL_HOME elsewhere`,
};
const IO_ERROR: Failure = {
  what: 'I/O error',
  hint: (dir) => `the disk that holds ${dir} reports errors: check it (dmesg), then run the command again`,
};

function classify(error: unknown): Failure | undefined {
  if (error instanceof Database.SqliteError) {
    // better-sqlite3 gives extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED...).
    if (error.code === 'SQLITE_FULL') return DISK_FULL;
    if (error.code.startsWith('SQLITE_READONLY')) return READ_ONLY;
    if (error.code.startsWith('SQLITE_IOERR')) return IO_ERROR;
    return undefined;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return DISK_FULL;
  if (code === 'EROFS') return READ_ONLY;
  if (code === 'EIO') return IO_ERROR;
  return undefined;
}

/** STORE_WRITE_FAILED for a storage failure of the database at `path`, or undefined for any other error. */
export function storageFailure(error: unknown, path: string): McpctlError | undefined {
  const failure = classify(error);
  if (!failure) return undefined;
  const detail = error instanceof Error ? error.message : String(error);
  return new McpctlError('STORE_WRITE_FAILED', `${failure.what}: could not write to the database ${path} (${detail})`, {
    hint: failure.hint(dirname(path)),
    cause: error,
  });
}

/** The same repository, every method of which reports storage failures as STORE_WRITE_FAILED. */
export function reportingStorageFailures<T extends object>(repository: T, path: string): T {
  return translatingFailures(repository, (error) => storageFailure(error, path));
}

/**
 * The same repository, every method of which rejects with `translate(error)` where that gives a
 * typed error, and with the error as it was otherwise. Each backend passes its own translation.
 */
export function translatingFailures<T extends object>(
  repository: T,
  translate: (error: unknown) => Error | undefined,
): T {
  const guarded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(repository)) {
    if (typeof value !== 'function') {
      guarded[key] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => Promise<unknown>;
    guarded[key] = async (...args: unknown[]): Promise<unknown> => {
      try {
        return await method.apply(repository, args);
      } catch (error) {
        throw translate(error) ?? error;
      }
    };
  }
  return guarded as T;
}
