import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { moveCorruptAside } from './corruption.js';
import { isCorruptionError } from './sqliteErrors.js';

type Db = Database.Database;

const BUSY_TIMEOUT_MS = 5000;

/** Creates the file ourselves, so that it (and the -wal/-shm SQLite derives from it) is 0600. */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    // Another process created it between our check and our open: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** 'ok', or the problems SQLite found, one per line. Throws what SQLite throws. */
function check(db: Db, pragma: 'quick_check' | 'integrity_check'): string {
  const rows = db.pragma(pragma) as Array<Record<string, string>>;
  return rows.map((row) => row[pragma]).join('\n');
}

/**
 * quick_check on a read-only connection: unlike a read-write one, closing it never
 * checkpoints the WAL into the file, so a corrupt database is moved aside untouched.
 * Returns false when this connection could not tell (then the read-write one checks).
 */
function checkedReadOnly(path: string, logger: Logger): boolean {
  let db: Db | undefined;
  let result: string;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    result = check(db, 'quick_check');
  } catch (error) {
    db?.close();
    if (isCorruptionError(error)) throw moveCorruptAside(path, logger, error);
    logger.debug({ path, err: (error as Error).message }, 'read-only check not possible: checking read-write');
    return false;
  }
  db.close();
  if (result !== 'ok') throw moveCorruptAside(path, logger, new Error(`quick_check: ${result}`));
  return true;
}

function connect(path: string): Db {
  try {
    return new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new McpctlError('INTERNAL', `cannot open the database ${path}: ${(error as Error).message}`, {
      hint: `check that you can write to ${dirname(path)} and to ${path}`,
      cause: error,
    });
  }
}

/**
 * Opens the store database: checks it before anything writes to it, then sets the
 * pragmas every connection needs. A corrupt file is moved aside, never overwritten.
 */
export function openDatabase(path: string, logger: Logger): Db {
  let checked = false;
  try {
    if (existsSync(path)) checked = checkedReadOnly(path, logger);
    else createPrivateFile(path);
  } catch (error) {
    if (error instanceof McpctlError) throw error;
    throw new McpctlError('INTERNAL', `cannot create the database ${path}: ${(error as Error).message}`, {
      hint: `check that you can write to ${dirname(path)}`,
      cause: error,
    });
  }
  const db = connect(path);
  try {
    // The constructor's timeout is better-sqlite3's; set SQLite's own for other tools reading it.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const result = checked ? 'ok' : check(db, 'quick_check');
    if (result !== 'ok') {
      db.close();
      throw moveCorruptAside(path, logger, new Error(`quick_check: ${result}`));
    }
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') logger.warn({ path, mode }, 'the store could not switch to WAL: concurrent reads will wait');
    // FULL: a commit is fsynced before it returns, so an acknowledged write survives power loss.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    if (db.open) db.close();
    if (error instanceof McpctlError) throw error;
    if (isCorruptionError(error)) throw moveCorruptAside(path, logger, error);
    throw new McpctlError('INTERNAL', `cannot open the database ${path}: ${(error as Error).message}`, {
      hint: 'if another process holds it locked, check that only one mcpctl daemon runs',
      cause: error,
    });
  }
}

/**
 * `PRAGMA integrity_check` on a read-only connection (for tests and `mcpctl doctor`):
 * 'ok', or the problems SQLite found, one per line.
 */
export function integrityCheck(path: string): string {
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new McpctlError('NOT_FOUND', `cannot open the database ${path}: ${(error as Error).message}`, {
      hint: 'check the path; the daemon creates the database when it first starts',
      cause: error,
    });
  }
  try {
    return check(db, 'integrity_check');
  } catch (error) {
    if (isCorruptionError(error)) return (error as Error).message;
    throw error;
  } finally {
    db.close();
  }
}
