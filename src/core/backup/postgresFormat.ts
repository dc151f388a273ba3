import { join } from 'node:path';
import { McpctlError } from '../../shared/errors.js';
import { silentLogger } from '../../shared/logger.js';
import { asideName } from '../../store/corruption.js';
import { isLogicalHeader, type LogicalBackup, readLogicalBackup } from '../../store/logicalBackup.js';
import { POSTGRES_SCHEMA_VERSION } from '../../store/postgres/migrations.js';
import { COUNTED_TABLES } from '../../store/sqliteBackup.js';
import { NODE_LIVE_TTL_MS } from '../cluster/heartbeat.js';
import type { BackupContents, BackupFormat } from './backupFormat.js';

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

/**
 * The PostgreSQL store's backups: logical exports in mcpctl's own JSON-lines form
 * (store/logicalBackup.ts), taken in one REPEATABLE READ transaction and restored in one.
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
  async restore(file, location, options) {
    if (location.backend !== 'postgres') throw new Error('postgresFormat.restore: not a PostgreSQL store');
    const { restorePostgres } = await postgresBackup();
    const outcome = await restorePostgres({
      url: location.url,
      // Read again: the file may have changed since it was inspected.
      backup: readPostgresBackup(file),
      file,
      previous: asideName(join(location.stateDir, 'postgres'), 'before-restore', new Date()),
      meta: options.meta,
      liveTtlMs: NODE_LIVE_TTL_MS,
      self: location.node,
      logger: options.logger,
      ...(options.after === undefined ? {} : { after: options.after }),
    });
    return { store: location.shown, ...outcome };
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
