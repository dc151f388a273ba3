import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import { syncFile } from '../shared/fsync.js';
import { isCorruptionError } from './sqliteErrors.js';
import type { BackupMeta } from './types.js';

type Db = Database.Database;

/**
 * An mcpctl backup of the SQLite store is a database file of the store's schema, made by SQLite's
 * online backup (a consistent snapshot while the daemon writes), in rollback-journal mode (one file,
 * no -wal beside it), marked by its application id ('mcpb') and one row of `mcpctl_backup` saying
 * who made it and when. `backup restore` drops that table again.
 */
export const BACKUP_APPLICATION_ID = 0x6d637062;
export const BACKUP_META_TABLE = 'mcpctl_backup';
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

/** The tables whose rows a backup counts (the store's; a table an older schema lacks counts 0). */
export const COUNTED_TABLES = [
  'servers',
  'profiles',
  'tokens',
  'secrets',
  'alerts',
  'events',
  'sessions',
  'audit',
] as const;

export interface SqliteBackupInfo {
  bytes: number;
  schemaVersion: number;
  meta: BackupMeta;
  counts: Record<string, number>;
}

/** Whether a file starting with `head` is an SQLite database at all. */
export function isSqliteHeader(head: Buffer): boolean {
  return head.length >= SQLITE_MAGIC.length && head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC);
}

/**
 * Snapshot of the database `source` is connected to into the new file `file`: the online backup
 * copies every page as of one moment (a write on `source`'s own connection meanwhile is copied too),
 * then the copy is sealed as a backup and fsynced.
 */
export async function snapshotSqlite(source: Db, file: string, meta: BackupMeta): Promise<void> {
  await source.backup(file);
  const db = new Database(file, { fileMustExist: true });
  try {
    markAsBackup(db, meta);
  } finally {
    db.close();
  }
  syncFile(file);
}

/** Seals a database of the store's schema as a backup: one self-contained file, its mark and its meta row. */
export function markAsBackup(db: Db, meta: BackupMeta): void {
  // The copy keeps the source's WAL flag: one self-contained file instead.
  db.pragma('journal_mode = DELETE');
  db.exec(
    `CREATE TABLE ${BACKUP_META_TABLE} (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      created_at TEXT NOT NULL,
      mcpctl_version TEXT NOT NULL,
      source TEXT NOT NULL
    )`,
  );
  db.prepare(`INSERT INTO ${BACKUP_META_TABLE} (id, created_at, mcpctl_version, source) VALUES (1, ?, ?, ?)`).run(
    meta.createdAt,
    meta.mcpctlVersion,
    meta.source,
  );
  db.pragma(`application_id = ${BACKUP_APPLICATION_ID}`);
}

/** Snapshot of the database file `path` (no daemon has it open): opened without migrating or creating anything. */
export async function snapshotSqliteFile(path: string, file: string, meta: BackupMeta): Promise<void> {
  let source: Db;
  try {
    source = new Database(path, { fileMustExist: true });
  } catch (error) {
    throw new McpctlError('NOT_FOUND', `cannot open the database ${path}: ${(error as Error).message}`, {
      hint: 'there is no store to back up until the daemon has started once',
      cause: error,
    });
  }
  try {
    await snapshotSqlite(source, file, meta);
  } finally {
    source.close();
  }
}

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(HEADER_BYTES);
    const read = readSync(fd, head, 0, HEADER_BYTES, 0);
    return head.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function notABackup(file: string, why: string): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', `${file} is not an mcpctl backup: ${why}`, {
    hint: "give a file made by 'mcpctl backup create' (or a <db>.before-restore-<time> copy)",
  });
}

function damaged(file: string, why: string, cause?: unknown): McpctlError {
  return new McpctlError('STORE_CORRUPT', `the backup ${file} is damaged: ${why}`, {
    hint: 'use another backup (an intact copy of this one); nothing was changed',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The size the header promises (page size × page count) when the header says it is valid
 * (its "version-valid-for" matches its change counter), else undefined.
 */
function promisedBytes(head: Buffer): number | undefined {
  if (head.length < HEADER_BYTES) return undefined;
  const rawPageSize = head.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = head.readUInt32BE(28);
  if (pages === 0 || head.readUInt32BE(92) !== head.readUInt32BE(24)) return undefined;
  return pageSize * pages;
}

function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The backup's own row; throws when `db` (opened from `file`) is not an mcpctl backup. */
export function readBackupMeta(db: Db, file: string): BackupMeta {
  if (db.pragma('application_id', { simple: true }) !== BACKUP_APPLICATION_ID || !tableExists(db, BACKUP_META_TABLE)) {
    throw notABackup(file, 'an SQLite database without the mark of an mcpctl backup');
  }
  const row = db
    .prepare(`SELECT created_at AS createdAt, mcpctl_version AS mcpctlVersion, source FROM ${BACKUP_META_TABLE}`)
    .get() as BackupMeta | undefined;
  if (row === undefined) throw damaged(file, `its ${BACKUP_META_TABLE} row is missing`);
  return row;
}

function countRows(db: Db): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    counts[table] = tableExists(db, table)
      ? (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
      : 0;
  }
  return counts;
}

/**
 * Validates a backup file whole, without changing it: an SQLite file (else INVALID_ARGUMENT), as long
 * as its header says (else STORE_CORRUPT: truncated), `integrity_check` ok (STORE_CORRUPT), with the
 * backup's mark (INVALID_ARGUMENT). Says what it holds; its schema version is the caller's to judge.
 */
export function inspectSqliteBackup(file: string): SqliteBackupInfo {
  const bytes = statSync(file).size;
  const head = readHeader(file);
  if (!isSqliteHeader(head)) throw notABackup(file, 'not an SQLite database');
  const promised = promisedBytes(head);
  if (promised !== undefined && bytes < promised) {
    throw damaged(file, `truncated: ${bytes} bytes of the ${promised} its header promises`);
  }
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const result = rows.map((row) => row.integrity_check).join('; ');
    if (result !== 'ok') throw damaged(file, `integrity_check: ${result}`);
    const meta = readBackupMeta(db, file);
    return {
      bytes,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      meta,
      counts: countRows(db),
    };
  } catch (error) {
    if (error instanceof McpctlError) throw error;
    if (isCorruptionError(error)) throw damaged(file, (error as Error).message, error);
    throw new McpctlError('INTERNAL', `cannot read the backup ${file}: ${(error as Error).message}`, {
      hint: 'check that the file is readable',
      cause: error,
    });
  } finally {
    db?.close();
  }
}
