import { join } from 'node:path';
import { McpctlError } from '../../shared/errors.js';
import { silentLogger } from '../../shared/logger.js';
import { asideName } from '../../store/corruption.js';
import { isLogicalHeader, type LogicalBackup, readLogicalBackup } from '../../store/logicalBackup.js';
import { POSTGRES_SCHEMA_VERSION } from '../../store/postgres/migrations.js';
import { POSTGRES_TABLES } from '../../store/postgres/tables.js';
import { COUNTED_TABLES } from '../../store/sqliteBackup.js';
import { readSqliteBackupRows } from '../../store/sqliteRows.js';
import { NODE_LIVE_TTL_MS } from '../cluster/heartbeat.js';
import type { BackupContents, BackupFormat, RestoreOptions, RestoreOutcome } from './backupFormat.js';
import type { StoreLocation } from './storeLocation.js';

/** The PostgreSQL modules (and `pg`) load only when a PostgreSQL backup is made or restored. */
const postgresBackup = () => import('../../store/postgres/postgresBackup.js');

function readPostgresBackup(file: string): LogicalBackup {
  const backup = readLogicalBackup(file);
  if (backup.backend !== 'postgres') {
    throw new McpctlError('INVALID_ARGUMENT', `${file} is a logical backup of a ${backup.backend} store`, {
      hint: 'this mcpctl restores logical backups of PostgreSQL stores only; nothing was changed',
    });
  }
  return backup;
}

async function restoreInto(
  file: string,
  location: StoreLocation,
  options: RestoreOptions,
  read: () => LogicalBackup,
): Promise<RestoreOutcome> {
  if (location.backend !== 'postgres') throw new Error('postgresFormat.restore: not a PostgreSQL store');
  const { restorePostgres } = await postgresBackup();
  const outcome = await restorePostgres({
    url: location.url,
    backup: read(),
    file,
    previous: asideName(join(location.stateDir, 'postgres'), 'before-restore', new Date()),
    meta: options.meta,
    liveTtlMs: NODE_LIVE_TTL_MS,
    self: location.node,
    logger: options.logger,
    ...(options.after === undefined ? {} : { after: options.after }),
  });
  return { store: location.shown, ...outcome };
}

/**
 * The PostgreSQL store's backups: logical exports in mcpctl's own JSON-lines form
 * (store/logicalBackup.ts), taken in one REPEATABLE READ transaction and restored in one.
 * An SQLite store's backup is restored into PostgreSQL too (moving off the embedded store).
 */
export const postgresFormat: BackupFormat = {
  name: 'postgres',
  schemaVersion: POSTGRES_SCHEMA_VERSION,
  recognizes: isLogicalHeader,
  inspect(file): BackupContents {
    const { bytes, schemaVersion, meta, rows } = readPostgresBackup(file);
    const counts: Record<string, number> = {};
    for (const table of COUNTED_TABLES) counts[table] = rows.get(table)?.length ?? 0;
    return { bytes, schemaVersion, counts, ...meta };
  },
  // Read again: the file may have changed since it was inspected.
  restore: (file, location, options) => restoreInto(file, location, options, () => readPostgresBackup(file)),
  converts: {
    // Read at this mcpctl's SQLite schema, whose tables and columns are PostgreSQL's latest too.
    sqlite: (file, location, options) =>
      restoreInto(file, location, options, () => readSqliteBackupRows(file, POSTGRES_TABLES, options.logger)),
  },
  fromStore(location) {
    if (location.backend !== 'postgres') throw new Error('postgresFormat.fromStore: not a PostgreSQL store');
    return {
      format: 'postgres',
      snapshot: async (file, meta) =>
        (await postgresBackup()).snapshotPostgresUrl(location.url, file, meta, silentLogger),
    };
  },
};
