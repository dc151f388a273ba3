import { SCHEMA_VERSION } from '../../store/migrations.js';
import { inspectSqliteBackup, isSqliteHeader, snapshotSqliteFile } from '../../store/sqliteBackup.js';
import { restoreSqlite } from '../../store/sqliteRestore.js';
import type { BackupContents, BackupFormat } from './backupFormat.js';

/** The embedded store's backups: SQLite database files (store/sqliteBackup.ts, store/sqliteRestore.ts). */
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
  fromStore(location) {
    if (location.backend !== 'sqlite') throw new Error('sqliteFormat.fromStore: not an SQLite store');
    return { format: 'sqlite', snapshot: (file, meta) => snapshotSqliteFile(location.path, file, meta) };
  },
};
