import { existsSync, renameSync } from 'node:fs';
import { McpctlError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

/** The sidecar files SQLite keeps next to a database; they belong with it when it moves. */
export const SIDECARS = ['-wal', '-shm', '-journal'] as const;

/** A name next to `path` that is not taken yet: `<path>.<label>-<timestamp>[-n]`. */
export function asideName(path: string, label: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let candidate = `${path}.${label}-${stamp}`;
  for (let n = 1; existsSync(candidate); n++) candidate = `${path}.${label}-${stamp}-${n}`;
  return candidate;
}

/**
 * Moves a corrupt database and its sidecars aside (never deletes them: the user may
 * recover rows from them) and returns the STORE_CORRUPT error to throw. Sidecars keep
 * their suffix on the new name so SQLite still pairs them if the user opens the copy.
 */
export function moveCorruptAside(path: string, logger: Logger, cause: unknown): McpctlError {
  const aside = asideName(path, 'corrupt', new Date());
  try {
    renameSync(path, aside);
    for (const suffix of SIDECARS) {
      if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
    }
  } catch (error) {
    return new McpctlError(
      'STORE_CORRUPT',
      `the database ${path} is corrupt, and moving it aside failed: ${(error as Error).message}`,
      {
        hint: `move ${path} (and its -wal and -shm files) away yourself, then start the daemon again`,
        cause,
      },
    );
  }
  logger.error({ path, movedTo: aside }, 'the store database is corrupt: moved it aside');
  return new McpctlError('STORE_CORRUPT', `the database ${path} is corrupt: moved it to ${aside}`, {
    hint: `restore a backup with 'mcpctl backup restore FILE' (the secrets need the master key they were made with), or start the daemon again to begin with an empty store`,
    cause,
  });
}
