import { McpctlError } from '../../shared/errors.js';
import { pgNowPlus } from './dbClock.js';
import type { PostgresLocation } from './location.js';
import type { PoolClient } from './pool.js';

/** Who is about to migrate: this daemon's node name and mcpctl version. */
export interface MigratingNode {
  node: string;
  version: string;
  /** A node whose heartbeat is younger than this is running. */
  liveTtlMs: number;
}

/** `a` < `b` for dotted versions (`0.10.1` > `0.9.3`; a pre-release below its release); undefined when either is not one. */
export function isOlderVersion(a: string, b: string): boolean | undefined {
  const parse = (text: string) => /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+.*)?$/.exec(text.trim());
  const left = parse(a);
  const right = parse(b);
  if (left === null || right === null) return undefined;
  for (let i = 1; i <= 3; i++) {
    const diff = Number(left[i]) - Number(right[i]);
    if (diff !== 0) return diff < 0;
  }
  const [pa, pb] = [left[4], right[4]];
  if (pa === pb) return false;
  if (pa === undefined) return false;
  if (pb === undefined) return true;
  return pa < pb;
}

/**
 * Before a daemon migrates the shared schema: refuses (CONFIG_INVALID, exit 3) while a live node
 * of an older mcpctl (or one whose version cannot be compared) runs on the store, since it would
 * keep writing with the old schema's idea of the tables. Nodes are known from schema step 3 on;
 * an older store has no heartbeats to read, so nothing to check.
 */
export async function refuseOlderLiveNodes(
  client: PoolClient,
  self: MigratingNode,
  location: PostgresLocation,
  schema: { from: number; to: number },
): Promise<void> {
  const { rows: present } = await client.query<{ present: boolean }>(
    `SELECT to_regclass('nodes') IS NOT NULL AS present`,
  );
  if (!present[0]?.present) return;
  const { rows } = await client.query<{ name: string; version: string; age_ms: number }>(
    `SELECT name, version,
       round(extract(epoch FROM clock_timestamp() - last_heartbeat_at::timestamptz) * 1000)::integer AS age_ms
     FROM nodes WHERE last_heartbeat_at > ${pgNowPlus(1)} AND name <> $2 ORDER BY name`,
    [-self.liveTtlMs, self.node],
  );
  const older = rows.filter((row) => isOlderVersion(row.version, self.version) !== false);
  if (older.length === 0) return;
  const named = older
    .map((row) => `'${row.name}' (mcpctl ${row.version}, last heartbeat ${Math.round(row.age_ms / 1000)} s ago)`)
    .join(', ');
  throw new McpctlError(
    'CONFIG_INVALID',
    `node ${named} still runs on the store postgres ${location.target} at schema version ${schema.from}: this mcpctl ${self.version} would migrate it to ${schema.to}, which that node does not know`,
    {
      hint: `stop (or upgrade) the older node${older.length > 1 ? 's' : ''} first ('mcpctl daemon stop' there), then start this one again; a node that is gone counts as running until its last heartbeat is ${Math.round(self.liveTtlMs / 1000)} s old. Nothing was migrated`,
    },
  );
}
