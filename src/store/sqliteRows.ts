import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../shared/logger.js';
import type { LogicalBackup } from './logicalBackup.js';
import { migrate } from './migrations.js';
import { BACKUP_META_TABLE, readBackupMeta } from './sqliteBackup.js';

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
