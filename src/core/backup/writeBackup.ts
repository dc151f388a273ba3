import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, linkSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { McpctlError } from '../../shared/errors.js';
import { syncDir } from '../../shared/fsync.js';
import type { BackupMeta, StoreBackup } from '../../store/types.js';
import { inspectBackup } from './backupFormat.js';
import type { BackupInfo } from './schemas.js';

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}

function checkTarget(file: string, force: boolean): void {
  const dir = dirname(file);
  const folder = statSync(dir, { throwIfNoEntry: false });
  if (!folder?.isDirectory()) {
    throw new McpctlError('NOT_FOUND', `the folder ${dir} does not exist`, {
      hint: `create it, or name a file elsewhere`,
    });
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new McpctlError('PERMISSION_DENIED', `cannot write in ${dir}`, {
      hint: 'name a file in a folder you can write to',
    });
  }
  const existing = statSync(file, { throwIfNoEntry: false });
  if (existing?.isDirectory()) {
    throw new McpctlError('INVALID_ARGUMENT', `${file} is a folder`, { hint: 'name the backup file itself' });
  }
  if (existing !== undefined && !force) {
    throw new McpctlError('ALREADY_EXISTS', `${file} already exists`, {
      hint: 'name another file, or pass --force to replace it',
    });
  }
}

/** Puts the checked temp file at `file`: a hard link refuses a file that appeared meanwhile, a rename replaces it. */
function moveIntoPlace(temp: string, file: string, force: boolean): void {
  if (force) {
    renameSync(temp, file);
    return;
  }
  try {
    linkSync(temp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new McpctlError('ALREADY_EXISTS', `${file} already exists`, { hint: 'pass --force' });
    // A file system without hard links: the check above is the best there is.
    if (statSync(file, { throwIfNoEntry: false }) !== undefined) throw error;
    renameSync(temp, file);
  }
}

function writeFailure(error: unknown, file: string): McpctlError {
  if (error instanceof McpctlError) return error;
  const code = (error as { code?: unknown }).code;
  const detail = (error as Error).message;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new McpctlError('STORE_WRITE_FAILED', `disk full: could not write the backup ${file}`, {
      hint: `free some space on the file system of ${dirname(file)}, or write the backup elsewhere`,
      cause: error,
    });
  }
  return new McpctlError('INTERNAL', `could not write the backup ${file}: ${detail}`, {
    hint: `check ${dirname(file)}; nothing was written there`,
    cause: error,
  });
}

/**
 * Writes a backup of `source` at `file` atomically: the snapshot goes to a private temp file beside
 * it, is checked as `backup restore` would check it, fsynced, then moved into place (and the folder
 * fsynced), so `file` is a whole backup or absent. An existing `file` is kept unless `force`.
 */
export async function writeBackup(options: {
  source: StoreBackup | undefined;
  file: string;
  force: boolean;
  meta: BackupMeta;
}): Promise<BackupInfo> {
  const { source, file, force } = options;
  if (source === undefined) {
    throw new McpctlError('INVALID_ARGUMENT', 'this store backend cannot make backups', {
      hint: 'back the store up with its own tools',
    });
  }
  checkTarget(file, force);
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await source.snapshot(temp, options.meta);
    chmodSync(temp, 0o600);
    let info: BackupInfo;
    try {
      info = inspectBackup(temp).info;
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      throw new McpctlError('STORE_CORRUPT', `the snapshot of ${options.meta.source} fails its check: ${problem}`, {
        hint: `the store itself may be damaged; nothing was written to ${file}`,
        cause: error,
      });
    }
    moveIntoPlace(temp, file, force);
    syncDir(dirname(file));
    return { ...info, file };
  } catch (error) {
    throw writeFailure(error, file);
  } finally {
    // SQLite may leave a -journal (or -wal) of its own beside the temp file when it fails halfway.
    for (const suffix of ['', '-journal', '-wal', '-shm']) unlinkQuietly(temp + suffix);
  }
}
