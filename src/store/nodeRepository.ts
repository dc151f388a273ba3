import type { Database } from 'better-sqlite3';
import { DB_NOW, dbNowPlus } from './dbClock.js';
import type { JsonObject, NodeRepository, StoredNode } from './types.js';

interface NodeRow {
  name: string;
  version: string;
  load: string;
  first_seen_at: string;
  last_heartbeat_at: string;
  live: number;
  url: string | null;
  fingerprint: string | null;
}

function toNode(row: NodeRow): StoredNode {
  return {
    name: row.name,
    version: row.version,
    load: JSON.parse(row.load) as JsonObject,
    firstSeenAt: row.first_seen_at,
    lastHeartbeatAt: row.last_heartbeat_at,
    live: row.live === 1,
    url: row.url,
    fingerprint: row.fingerprint,
  };
}

interface BeatRow {
  name: string;
  version: string;
  load: string;
  url: string | null;
  fingerprint: string | null;
}

/** Writes are IMMEDIATE transactions like the other repositories (serverRepository.ts says why). */
export function createNodeRepository(db: Database): NodeRepository {
  const beat = db.prepare<BeatRow, NodeRow>(
    `INSERT INTO nodes (name, version, load, first_seen_at, last_heartbeat_at, url, fingerprint)
     VALUES (@name, @version, @load, ${DB_NOW}, ${DB_NOW}, @url, @fingerprint)
     ON CONFLICT (name) DO UPDATE SET
       version = excluded.version, load = excluded.load, last_heartbeat_at = excluded.last_heartbeat_at,
       url = excluded.url, fingerprint = excluded.fingerprint
     RETURNING *, 1 AS live`,
  );
  const listAll = db.prepare<{ ttl: number }, NodeRow>(
    `SELECT *, last_heartbeat_at > ${dbNowPlus('ttl')} AS live FROM nodes ORDER BY name`,
  );
  const removeOne = db.prepare<[string]>('DELETE FROM nodes WHERE name = ?');
  const beatCommitted = db.transaction((row: BeatRow) => beat.get(row) as NodeRow);
  const removeCommitted = db.transaction((name: string): boolean => removeOne.run(name).changes > 0);

  return {
    async heartbeat(node) {
      return toNode(
        beatCommitted.immediate({
          name: node.name,
          version: node.version,
          load: JSON.stringify(node.load),
          url: node.url ?? null,
          fingerprint: node.fingerprint ?? null,
        }),
      );
    },
    async list(liveTtlMs) {
      return listAll.all({ ttl: -liveTtlMs }).map(toNode);
    },
    async remove(name) {
      return removeCommitted.immediate(name);
    },
  };
}
