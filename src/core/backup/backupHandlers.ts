import type { Store } from '../../store/types.js';
import type { ControlHandlers } from '../api.js';
import { writeBackup } from './writeBackup.js';

export interface BackupHandlerDeps {
  store: Store;
  /** The store's own address, written into the backup (the database path)... */
  paths: { database: string };
  /** ...or, on PostgreSQL, `host:port/db` (never a password). */
  storeInfo?: { location: string };
  version: string;
}

/** The daemon's side of `backup create`: the snapshot goes through the store it has open. */
export function createBackupHandlers(deps: BackupHandlerDeps): Pick<ControlHandlers, 'createBackup'> {
  return {
    async createBackup({ file, force }) {
      const info = await writeBackup({
        source: deps.store.backup,
        file,
        force,
        meta: {
          createdAt: new Date().toISOString(),
          mcpctlVersion: deps.version,
          source: deps.storeInfo?.location ?? deps.paths.database,
        },
      });
      return { ...info, madeBy: 'daemon' as const };
    },
  };
}
