import type { JsonObject, NodeRepository, StoredNode } from '../types.js';
import { PG_NOW, pgNowPlus } from './dbClock.js';
import type { Pool } from './pool.js';

interface NodeRow {
  name: string;
  version: string;
  load: JsonObject;
  first_seen_at: string;
  last_heartbeat_at: string;
  live: boolean;
  url: string | null;
  fingerprint: string | null;
}

function toNode(row: NodeRow): StoredNode {
  return {
    name: row.name,
    version: row.version,
    load: row.load,
    firstSeenAt: row.first_seen_at,
    lastHeartbeatAt: row.last_heartbeat_at,
    live: row.live,
    url: row.url,
    fingerprint: row.fingerprint,
  };
}

export function createNodeRepository(pool: Pool): NodeRepository {
  return {
    async heartbeat(node) {
      const { rows } = await pool.query<NodeRow>(
        `INSERT INTO nodes (name, version, load, first_seen_at, last_heartbeat_at, url, fingerprint)
         VALUES ($1, $2, $3, ${PG_NOW}, ${PG_NOW}, $4, $5)
         ON CONFLICT (name) DO UPDATE SET
           version = excluded.version, load = excluded.load, last_heartbeat_at = excluded.last_heartbeat_at,
           url = excluded.url, fingerprint = excluded.fingerprint
         RETURNING *, true AS live`,
        [node.name, node.version, JSON.stringify(node.load), node.url ?? null, node.fingerprint ?? null],
      );
      return toNode(rows[0] as NodeRow);
    },
    async list(liveTtlMs) {
      const { rows } = await pool.query<NodeRow>(
        `SELECT *, last_heartbeat_at > ${pgNowPlus(1)} AS live FROM nodes ORDER BY name`,
        [-liveTtlMs],
      );
      return rows.map(toNode);
    },
    async remove(name) {
      return ((await pool.query('DELETE FROM nodes WHERE name = $1', [name])).rowCount ?? 0) > 0;
    },
  };
}
