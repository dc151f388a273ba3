import { rmSync } from 'node:fs';
import { McpctlError } from '../../shared/errors.js';
import { readLogicalBackup } from '../../store/logicalBackup.js';
import { SCHEMA_VERSION } from '../../store/migrations.js';
import { POSTGRES_SCHEMA_VERSION } from '../../store/postgres/migrations.js';
import { inspectSqliteBackup, isSqliteHeader, snapshotSqliteFile } from '../../store/sqliteBackup.js';
import { restoreSqlite } from '../../store/sqliteRestore.js';
import { writeSqliteBackupFromRows } from '../../store/sqliteRows.js';
import type { BackupContents, BackupFormat } from './backupFormat.js';

/**
 * The embedded store's backups: SQLite database files (store/sqliteBackup.ts, store/sqliteRestore.ts).
 * A PostgreSQL store's logical backup restores here too (moving back to the embedded store).
 */
export const sqliteFormat: BackupFormat = {
  name: 'sqlite',
  schemaVersion: SCHEMA_VERSION,
  recognizes: isSqliteHeader,
  inspect(file): BackupContents {
    const { bytes, schemaVersion, meta, counts } = inspectSqliteBackup(file);
    return { bytes, schemaVersion, counts, ...meta };
  },
  async restore(file, location, options) {
    if (location.backend !== 'sqlite') throw new Error('sqliteFormat.restore: not an SQLite store');
    const outcome = await restoreSqlite({
      backup: file,
      database: location.path,
      meta: options.meta,
      logger: options.logger,
      ...(options.after === undefined ? {} : { after: options.after }),
    });
    return { store: location.path, ...outcome };
  },
  converts: {
    // Moving back from PostgreSQL: its logical backup, at the schema that matches this mcpctl's
    // SQLite schema, made an SQLite backup beside the store, then restored as one.
    async postgres(file, location, options) {
      if (location.backend !== 'sqlite') throw new Error('sqliteFormat.restore: not an SQLite store');
      const backup = readLogicalBackup(file);
      if (backup.schemaVersion !== POSTGRES_SCHEMA_VERSION) {
        throw new McpctlError(
          'CONFIG_INVALID',
          `the PostgreSQL backup ${file} has schema version ${backup.schemaVersion}; an SQLite store takes one of version ${POSTGRES_SCHEMA_VERSION} only`,
          {
            hint: 'restore it into a PostgreSQL store with this mcpctl, back that up again, then restore the new file here; nothing was changed',
          },
        );
      }
      const converted = `${location.path}.converting`;
      rmSync(converted, { force: true });
      try {
        writeSqliteBackupFromRows(backup, converted, options.logger);
        return await sqliteFormat.restore(converted, location, options);
      } finally {
        rmSync(converted, { force: true });
      }
    },
  },
  fromStore(location) {
    if (location.backend !== 'sqlite') throw new Error('sqliteFormat.fromStore: not an SQLite store');
    return { format: 'sqlite', snapshot: (file, meta) => snapshotSqliteFile(location.path, file, meta) };
  },
};
