import type { Paths } from '../../shared/paths.js';
import { resolveNodeName } from '../cluster/nodeName.js';
import { loadSettings } from '../config/settings.js';

/**
 * Where the configured store lives, for what runs without a daemon (`backup create` with none
 * running, `backup restore`), read from the same settings the daemon reads (store.url,
 * MCPCTL_STORE_URL). `shown` names it to a user: the database file, or `host:port/db` (never a
 * password).
 */
export type StoreLocation =
  | { backend: 'sqlite'; path: string; shown: string }
  | {
      backend: 'postgres';
      url: string;
      shown: string;
      /** This host's state folder: the store as it was before a restore is kept there. */
      stateDir: string;
      /** This host's node name: its daemon is the one `--stop` stops. */
      node: string;
    };

export async function storeLocation(paths: Paths, env: NodeJS.ProcessEnv): Promise<StoreLocation> {
  const settings = await loadSettings(paths, env);
  const url = settings.store.url;
  if (url === undefined) return { backend: 'sqlite', path: paths.database, shown: paths.database };
  // Only with a store URL: the location parser is small, but its folder is the pg backend's.
  const { postgresLocation } = await import('../../store/postgres/location.js');
  return {
    backend: 'postgres',
    url,
    shown: postgresLocation(url).target,
    stateDir: paths.stateDir,
    node: resolveNodeName(settings.node, env),
  };
}
