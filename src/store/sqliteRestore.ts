import { chmodSync, copyFileSync, existsSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import { syncDir, syncFile } from '../shared/fsync.js';
import type { Logger } from '../shared/logger.js';
import { asideName, SIDECARS } from './corruption.js';
import { migrate } from './migrations.js';
import { BACKUP_META_TABLE, readBackupMeta, snapshotSqlite } from './sqliteBackup.js';
import { isCorruptionError } from './sqliteErrors.js';
import type { BackupMeta } from './types.js';

/** The points between the steps of a restore (a test kills the process at each one). */
export const RESTORE_STEPS = ['staged', 'kept', 'swapping', 'swapped'] as const;
export type RestoreStep = (typeof RESTORE_STEPS)[number];

export interface SqliteRestoreOptions {
  /** A backup that inspectSqliteBackup accepted. */
  backup: string;
  /** The live store's file; no process may have it open (the caller holds the daemon's lock). */
  database: string;
  /** Written into the copy of the store as it was, itself a backup that `backup restore` takes. */
  meta: BackupMeta;
  logger: Logger;
  /** Called after each step. */
  after?: (step: RestoreStep) => void;
}

export interface SqliteRestoreResult {
  /** The copy of the store as it was before, or null when there was none. */
  previous: string | null;
  /** The backup's schema version, and the one it was migrated to (equal when it was current). */
  schemaFrom: number;
  schemaTo: number;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * The backup as the new store, next to the live one (a rename is atomic within one folder):
 * a private copy, unmarked, migrated to this version's schema, checked, one fsynced file.
 */
function stage(backup: string, staging: string, logger: Logger): { schemaFrom: number; schemaTo: number } {
  for (const suffix of ['', ...SIDECARS]) unlinkQuietly(staging + suffix);
  copyFileSync(backup, staging);
  chmodSync(staging, 0o600);
  const db = new Database(staging, { fileMustExist: true });
  let schema: { schemaFrom: number; schemaTo: number };
  try {
    // Read again from the copy: the file may have changed since it was inspected.
    readBackupMeta(db, backup);
    const schemaFrom = db.pragma('user_version', { simple: true }) as number;
    db.exec(`DROP TABLE ${BACKUP_META_TABLE}`);
    db.pragma('application_id = 0');
    migrate(db, staging, logger);
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new McpctlError('STORE_CORRUPT', `the restored copy of ${backup} fails integrity_check`);
    db.pragma('journal_mode = DELETE');
    schema = { schemaFrom, schemaTo: db.pragma('user_version', { simple: true }) as number };
  } finally {
    db.close();
  }
  syncFile(staging);
  return schema;
}

/**
 * A copy of the live store as it is, kept beside it: a snapshot (itself a backup) of the database
 * with its WAL checkpointed into it; a raw copy of its files when SQLite cannot read it (corrupt).
 * A -wal or -shm left without its database (a store wiped by hand) is moved aside, so it never
 * meets the restored file. Null when there was no store.
 */
async function keepCurrent(database: string, meta: BackupMeta): Promise<string | null> {
  const aside = asideName(database, 'before-restore', new Date());
  if (!existsSync(database)) {
    for (const suffix of SIDECARS) if (existsSync(database + suffix)) renameSync(database + suffix, aside + suffix);
    return null;
  }
  try {
    const live = new Database(database, { fileMustExist: true });
    try {
      live.pragma('wal_checkpoint(TRUNCATE)');
      await snapshotSqlite(live, aside, meta);
    } finally {
      live.close();
    }
  } catch (error) {
    if (!isCorruptionError(error)) throw error;
    unlinkQuietly(aside);
    for (const suffix of ['', ...SIDECARS]) {
      if (existsSync(database + suffix)) copyFileSync(database + suffix, aside + suffix);
    }
  }
  chmodSync(aside, 0o600);
  return aside;
}

/**
 * The live store's sidecars go before the swap: an old -wal or hot -journal next to the restored
 * file would be replayed into it. By now they hold nothing (checkpointed, or copied aside).
 */
function dropSidecars(database: string): void {
  const wal = `${database}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) {
    throw new McpctlError('DAEMON_RUNNING', `${wal} still holds writes: another process has the store open`, {
      hint: "stop whatever uses it ('mcpctl daemon status'), then restore again; nothing was changed",
    });
  }
  for (const suffix of SIDECARS) unlinkQuietly(database + suffix);
}

/**
 * Replaces the store with a backup in one step: the new file is staged and fsynced beside the
 * live one, the live one is copied aside, then a rename swaps them. A process killed at any moment
 * leaves the old store (before the rename) or the new one (after), never a mix.
 */
export async function restoreSqlite(options: SqliteRestoreOptions): Promise<SqliteRestoreResult> {
  const { backup, database, logger } = options;
  const staging = `${database}.restoring`;
  try {
    const schema = stage(backup, staging, logger);
    options.after?.('staged');
    const previous = await keepCurrent(database, options.meta);
    options.after?.('kept');
    dropSidecars(database);
    options.after?.('swapping');
    renameSync(staging, database);
    syncDir(dirname(database));
    options.after?.('swapped');
    logger.info({ backup, database, previous }, 'restored the store from a backup');
    return { previous, ...schema };
  } catch (error) {
    for (const suffix of ['', ...SIDECARS]) unlinkQuietly(staging + suffix);
    if (error instanceof McpctlError) throw error;
    if (isCorruptionError(error)) {
      throw new McpctlError('STORE_CORRUPT', `the backup ${backup} is damaged: ${(error as Error).message}`, {
        hint: 'use another backup; the store was not changed',
        cause: error,
      });
    }
    throw new McpctlError('INTERNAL', `cannot restore ${backup} into ${database}: ${(error as Error).message}`, {
      hint: `check that you can write to ${dirname(database)}; the store was not changed`,
      cause: error,
    });
  }
}
