import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../shared/logger.js';
import type { LogicalBackup } from './logicalBackup.js';
import { migrate } from './migrations.js';
import { BACKUP_META_TABLE, markAsBackup, readBackupMeta } from './sqliteBackup.js';

/**
 * The rows of an SQLite backup (one inspectSqliteBackup accepted), table by table, as the store
 * at this mcpctl's schema holds them: a private copy is migrated first, then read in insertion
 * order (rowid) and removed. Values stay SQLite's (JSON as text, BLOBs as Buffers, booleans as
 * 0/1): the backend that loads them converts them to its own types.
 */
export function readSqliteBackupRows(file: string, tables: readonly string[], logger: Logger): LogicalBackup {
  const dir = mkdtempSync(join(tmpdir(), 'mcpctl-convert-'));
  const copy = join(dir, 'store.db');
  try {
    copyFileSync(file, copy);
    const db = new Database(copy, { fileMustExist: true });
    try {
      const meta = readBackupMeta(db, file);
      db.exec(`DROP TABLE ${BACKUP_META_TABLE}`);
      migrate(db, copy, logger);
      const rows = new Map<string, Array<Record<string, unknown>>>();
      for (const table of tables) {
        rows.set(table, db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Array<Record<string, unknown>>);
      }
      return {
        backend: 'sqlite',
        schemaVersion: db.pragma('user_version', { simple: true }) as number,
        meta,
        tables: [...tables],
        bytes: 0,
        rows,
      };
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A logical backup's value as SQLite keeps it: JSON as text, bytea's `\x` hex as a BLOB, booleans as 0/1. */
function toSqlite(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (type === 'BLOB' && typeof value === 'string' && value.startsWith('\\x'))
    return Buffer.from(value.slice(2), 'hex');
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

/**
 * A new SQLite backup file made of a logical backup's rows (of a PostgreSQL store at the schema
 * whose tables and columns are this mcpctl's SQLite schema too): the store's schema, every row
 * in one transaction (sessions in their insertion order, which SQLite keeps as rowid), then
 * marked as a backup, so the SQLite restore takes it as it takes any other.
 */
export function writeSqliteBackupFromRows(backup: LogicalBackup, file: string, logger: Logger): void {
  const db = new Database(file);
  try {
    chmodSync(file, 0o600);
    migrate(db, file, logger);
    db.transaction(() => {
      for (const table of backup.tables) {
        const rows = [...(backup.rows.get(table) ?? [])];
        if (rows.length === 0) continue;
        if (rows[0] !== undefined && 'seq' in rows[0]) rows.sort((a, b) => Number(a.seq) - Number(b.seq));
        const columns = (db.pragma(`table_info(${table})`) as Array<{ name: string; type: string }>).filter((column) =>
          rows.some((row) => column.name in row),
        );
        const insert = db.prepare(
          `INSERT INTO ${table} (${columns.map((column) => `"${column.name}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        for (const row of rows) insert.run(...columns.map((column) => toSqlite(row[column.name], column.type)));
      }
    })();
    markAsBackup(db, backup.meta);
  } finally {
    db.close();
  }
}
