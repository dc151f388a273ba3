import type { Logger } from '../shared/logger.js';
import type { Paths } from '../shared/paths.js';
import { openSqliteStore } from '../store/sqliteStore.js';
import type { Store } from '../store/types.js';
import { NODE_LIVE_TTL_MS } from './cluster/heartbeat.js';
import type { Settings } from './config/settings.js';

/** Which backend holds the daemon's state, as `daemon status` names it (never with a password). */
export interface StoreInfo {
  backend: 'sqlite' | 'postgres';
  /** The SQLite file, or `host:port/db`. */
  location: string;
}

/**
 * The store `store.url` (or MCPCTL_STORE_URL) names: PostgreSQL for a postgres:// URL, else the
 * SQLite file in the state folder, as always. The PostgreSQL modules (and `pg`) load only then.
 * `self` (this daemon's node and version) guards a shared schema's migration against older
 * nodes still running on it; an SQLite file has one daemon only (its pid lock), so no such case.
 */
export async function openConfiguredStore(
  settings: Settings,
  paths: Paths,
  logger: Logger,
  /**
   * `node`: the daemon's; a networked store tags its writes with it (the change feed), and with `version`
   * it is the node the migration's version guard spares. Absent: the CLI.
   */
  cluster: { node?: string; version?: string; changeFeedRetryMs?: number } = {},
): Promise<{ store: Store; info: StoreInfo }> {
  const url = settings.store.url;
  if (url === undefined) {
    return {
      store: openSqliteStore({ path: paths.database, logger }),
      info: { backend: 'sqlite', location: paths.database },
    };
  }
  const [{ openPostgresStore }, { postgresLocation }] = await Promise.all([
    import('../store/postgres/postgresStore.js'),
    import('../store/postgres/location.js'),
  ]);
  const info: StoreInfo = { backend: 'postgres', location: postgresLocation(url).target };
  logger.info({ store: `postgres ${info.location}` }, 'opening the store');
  const { node, version, changeFeedRetryMs } = cluster;
  const guard =
    node === undefined || version === undefined ? {} : { self: { node, version, liveTtlMs: NODE_LIVE_TTL_MS } };
  return { store: await openPostgresStore({ url, logger, node, changeFeedRetryMs, ...guard }), info };
}
