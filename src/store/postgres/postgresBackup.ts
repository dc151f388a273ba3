import { unlinkSync } from 'node:fs';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { type LogicalBackup, LogicalBackupWriter } from '../logicalBackup.js';
import type { BackupMeta } from '../types.js';
import { pgNowPlus } from './dbClock.js';
import { postgresLocation } from './location.js';
import { MIGRATION_LOCK, POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from './migrations.js';
import { postgresFailure } from './pgErrors.js';
import { createPool, type Pool, type PoolClient } from './pool.js';
import { POSTGRES_TABLES } from './tables.js';

const ROWS_PER_INSERT = 500;

async function schemaVersionOf(client: PoolClient): Promise<number | undefined> {
  const { rows } = await client.query<{ present: boolean }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS present`,
  );
  if (!rows[0]?.present) return undefined;
  const version = await client.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return version.rows[0]?.version ?? 0;
}

async function presentTables(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string; present: boolean }>(
    'SELECT name, to_regclass(name) IS NOT NULL AS present FROM unnest($1::text[]) AS name',
    [POSTGRES_TABLES],
  );
  const present = new Set(rows.filter((row) => row.present).map((row) => row.name));
  return POSTGRES_TABLES.filter((table) => present.has(table));
}

/**
 * A logical export of every table into the new file `file` (logicalBackup.ts says its form), read
 * in ONE transaction, REPEATABLE READ and read-only: one snapshot of the database, so a write
 * committed meanwhile is either wholly in the file or not at all. Rows are serialized by the
 * database itself (row_to_json): json as written, bytea as hex (secrets stay ciphertext).
 */
export async function snapshotPostgres(pool: Pool, file: string, meta: BackupMeta): Promise<void> {
  const client = await pool.connect();
  let writer: LogicalBackupWriter | undefined;
  let broken: Error | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const schemaVersion = await schemaVersionOf(client);
    if (schemaVersion === undefined) {
      throw new McpctlError('NOT_FOUND', `there is no mcpctl store in ${meta.source} to back up`, {
        hint: 'the daemon creates it when it first starts with this store.url',
      });
    }
    const tables = await presentTables(client);
    writer = new LogicalBackupWriter(file, { backend: 'postgres', schemaVersion, meta, tables });
    for (const table of tables) {
      const { rows } = await client.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM ${table} t`);
      for (const row of rows) writer.row(table, row.r);
    }
    writer.finish();
    writer = undefined;
    await client.query('COMMIT');
  } catch (error) {
    writer?.close();
    await client.query('ROLLBACK').catch((rollback: unknown) => {
      broken = rollback instanceof Error ? rollback : new Error(String(rollback));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** The snapshot of the store at `url`, taken with a pool of its own (no daemon has it open here). */
export async function snapshotPostgresUrl(url: string, file: string, meta: BackupMeta, logger: Logger): Promise<void> {
  const location = postgresLocation(url);
  const pool = createPool(url, location, logger);
  try {
    await snapshotPostgres(pool, file, meta);
  } catch (error) {
    throw postgresFailure(error, location) ?? error;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

export interface PostgresRestoreOptions {
  url: string;
  /**
   * A backup readLogicalBackup accepted, of a PostgreSQL store, schema not newer than
   * POSTGRES_SCHEMA_VERSION; or an SQLite backup's rows (sqliteRows.ts), converted on the way in.
   */
  backup: LogicalBackup;
  file: string;
  /** Where to keep the store as it was (a logical backup itself), when it held one. */
  previous: string;
  meta: BackupMeta;
  /** Nodes whose heartbeat is younger than this count as running: the restore is refused while one does. */
  liveTtlMs: number;
  /** This host's node name: its daemon was stopped (or found stopped) by the caller. */
  self: string;
  logger: Logger;
  after?: (step: string) => void;
}

export interface PostgresRestoreResult {
  previous: string | null;
  schemaFrom: number;
  schemaTo: number;
}

/** Refuses while a daemon of another host still beats on this store: a restore replaces what it runs on. */
async function refuseLiveNodes(client: PoolClient, options: PostgresRestoreOptions, target: string): Promise<void> {
  const { rows: present } = await client.query<{ present: boolean }>(
    `SELECT to_regclass('nodes') IS NOT NULL AS present`,
  );
  if (!present[0]?.present) return;
  const { rows } = await client.query<{ name: string }>(
    `SELECT name FROM nodes WHERE last_heartbeat_at > ${pgNowPlus(1)} AND name <> $2 ORDER BY name`,
    [-options.liveTtlMs, options.self],
  );
  if (rows.length === 0) return;
  const names = rows.map((row) => `'${row.name}'`).join(', ');
  throw new McpctlError(
    'DAEMON_RUNNING',
    `node ${names} still runs on the store postgres ${target}: a restore replaces the store under it`,
    {
      hint: `stop the daemon on each ('mcpctl daemon stop' there), then restore again (a node counts as running until its last heartbeat is ${Math.round(options.liveTtlMs / 1000)} s old); nothing was changed`,
    },
  );
}

interface Column {
  name: string;
  type: string;
}

async function columnsOf(client: PoolClient, table: string): Promise<Column[]> {
  const { rows } = await client.query<Column>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  return rows;
}

/** An SQLite value as PostgreSQL's row type reads it from JSON: JSON text parsed, BLOBs as hex, 0/1 as booleans. */
function fromSqlite(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'json' && typeof value === 'string') return JSON.parse(value) as unknown;
  if (type === 'bytea' && Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (type === 'boolean' && typeof value === 'number') return value !== 0;
  return value;
}

/**
 * The rows into `table`, in their order, through the table's own row type (bytea from hex, json as
 * is), identity ids as given. Only the columns the rows have: a column they lack (an SQLite
 * backup has no sessions.seq) takes its default or the next identity value.
 */
async function insertRows(
  client: PoolClient,
  table: string,
  rows: Array<Record<string, unknown>>,
  origin: string,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = (await columnsOf(client, table)).filter((column) => rows.some((row) => column.name in row));
  const shaped =
    origin === 'sqlite'
      ? rows.map((row) =>
          Object.fromEntries(columns.map((column) => [column.name, fromSqlite(row[column.name], column.type)])),
        )
      : rows;
  const list = columns.map((column) => `"${column.name}"`).join(', ');
  for (let start = 0; start < shaped.length; start += ROWS_PER_INSERT) {
    const batch = JSON.stringify(shaped.slice(start, start + ROWS_PER_INSERT));
    await client.query(
      `INSERT INTO ${table} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_recordset(null::${table}, $1::json)`,
      [batch],
    );
  }
}

/** Identity columns continue after the restored ids. */
async function resetIdentities(client: PoolClient, table: string): Promise<void> {
  const { rows } = await client.query<{ column: string }>(
    `SELECT attname AS column FROM pg_attribute WHERE attrelid = $1::regclass AND attidentity <> '' AND NOT attisdropped`,
    [table],
  );
  for (const { column } of rows) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false)`,
      [table, column],
    );
  }
}

async function applySteps(client: PoolClient, from: number, to: number): Promise<void> {
  for (let version = from; version < to; version++) {
    await client.query(POSTGRES_MIGRATIONS[version] as string);
    await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
      version + 1,
      new Date().toISOString(),
    ]);
  }
}

/**
 * Replaces the store at `url` with the backup in ONE transaction, under the migrations' advisory
 * lock (a daemon starting meanwhile waits, then opens the restored store): the tables are dropped,
 * made again at the backup's schema version, filled, then migrated to this mcpctl's. A failure at
 * any point rolls all of it back. The store as it was is first exported to `previous`.
 */
export async function restorePostgres(options: PostgresRestoreOptions): Promise<PostgresRestoreResult> {
  const { url, backup, logger } = options;
  const location = postgresLocation(url);
  const pool = createPool(url, location, logger);
  let previous: string | null = null;
  try {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await refuseLiveNodes(client, options, location.target);
      if ((await schemaVersionOf(client)) !== undefined) {
        // Its own snapshot on another connection: it sees what this transaction has not touched yet.
        await snapshotPostgres(pool, options.previous, options.meta);
        previous = options.previous;
      }
      options.after?.('kept');
      for (const table of [...POSTGRES_TABLES].reverse()) await client.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
      await client.query('DROP TABLE IF EXISTS schema_migrations');
      await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)');
      // An SQLite backup was read at this mcpctl's SQLite schema, the same tables and columns as
      // PostgreSQL's latest: it is loaded there.
      const loadAt = backup.backend === 'postgres' ? backup.schemaVersion : POSTGRES_SCHEMA_VERSION;
      await applySteps(client, 0, loadAt);
      for (const table of backup.tables) {
        const rows = backup.rows.get(table) ?? [];
        if (!(POSTGRES_TABLES as readonly string[]).includes(table)) {
          throw new McpctlError(
            'STORE_CORRUPT',
            `the backup ${options.file} holds a table '${table}' the store has not`,
            {
              hint: 'use another backup; nothing was changed',
            },
          );
        }
        await insertRows(client, table, rows, backup.backend);
        await resetIdentities(client, table);
      }
      await applySteps(client, loadAt, POSTGRES_SCHEMA_VERSION);
      options.after?.('staged');
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollback: unknown) => {
        broken = rollback instanceof Error ? rollback : new Error(String(rollback));
      });
      throw error;
    } finally {
      client.release(broken);
    }
    options.after?.('swapped');
    logger.info({ backup: options.file, store: location.target, previous }, 'restored the store from a backup');
    const schemaFrom = backup.backend === 'postgres' ? backup.schemaVersion : POSTGRES_SCHEMA_VERSION;
    return { previous, schemaFrom, schemaTo: POSTGRES_SCHEMA_VERSION };
  } catch (error) {
    if (previous !== null) unlinkQuietly(previous);
    if (error instanceof McpctlError) throw error;
    throw (
      postgresFailure(error, location) ??
      new McpctlError(
        'INTERNAL',
        `cannot restore ${options.file} into the store postgres ${location.target}: ${(error as Error).message}`,
        { hint: 'the transaction was rolled back: the store was not changed', cause: error },
      )
    );
  } finally {
    await pool.end().catch(() => undefined);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // never written
  }
}
