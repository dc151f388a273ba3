import type { Database } from 'better-sqlite3';
import { DB_NOW, dbNowPlus } from './dbClock.js';
import type { LeaseGrant, LeaseRepository, StoredLease } from './types.js';

interface LeaseRow {
  resource: string;
  holder: string;
  fence: number;
  expires_at: string;
  live: number;
}

interface AcquireParams {
  resource: string;
  node: string;
  ttl: number;
}

/**
 * One upsert decides, under SQLite's write lock (IMMEDIATE): a new resource is taken with fence 1;
 * an existing row changes only when the caller holds it (a renewal: same fence) or it has expired
 * by the database's clock (a take-over: fence + 1). Otherwise the row stays and is read back.
 */
export function createLeaseRepository(db: Database): LeaseRepository {
  const upsert = db.prepare<AcquireParams>(
    `INSERT INTO leases (resource, holder, fence, expires_at)
     VALUES (@resource, @node, 1, ${dbNowPlus('ttl')})
     ON CONFLICT (resource) DO UPDATE SET
       fence = CASE WHEN leases.holder = excluded.holder THEN leases.fence ELSE leases.fence + 1 END,
       holder = excluded.holder,
       expires_at = excluded.expires_at
     WHERE leases.holder = excluded.holder OR leases.expires_at <= ${DB_NOW}`,
  );
  const readOne = db.prepare<[string], LeaseRow>(
    `SELECT *, expires_at > ${DB_NOW} AS live FROM leases WHERE resource = ?`,
  );
  // Expired now, holder and fence kept: the next taker gets fence + 1.
  const releaseOne = db.prepare<[string, string]>(
    `UPDATE leases SET expires_at = ${DB_NOW} WHERE resource = ? AND holder = ? AND expires_at > ${DB_NOW}`,
  );
  const listAll = db.prepare<[], LeaseRow>(`SELECT *, expires_at > ${DB_NOW} AS live FROM leases ORDER BY resource`);

  const acquireCommitted = db.transaction((params: AcquireParams): LeaseRow => {
    upsert.run(params);
    return readOne.get(params.resource) as LeaseRow;
  });
  const releaseCommitted = db.transaction(
    (resource: string, node: string): boolean => releaseOne.run(resource, node).changes > 0,
  );

  return {
    async acquire(resource, node, ttlMs) {
      const row = acquireCommitted.immediate({ resource, node, ttl: ttlMs });
      const grant: LeaseGrant = {
        held: row.holder === node && row.live === 1,
        holder: row.holder,
        fence: row.fence,
        expiresAt: row.expires_at,
      };
      return grant;
    },
    async release(resource, node) {
      return releaseCommitted.immediate(resource, node);
    },
    async list() {
      return listAll.all().map(
        (row): StoredLease => ({
          resource: row.resource,
          holder: row.holder,
          fence: row.fence,
          expiresAt: row.expires_at,
          live: row.live === 1,
        }),
      );
    },
  };
}
