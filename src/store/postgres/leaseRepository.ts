import type { LeaseRepository, StoredLease } from '../types.js';
import { PG_NOW, pgNowPlus } from './dbClock.js';
import { inTransaction, type Pool } from './pool.js';

interface LeaseRow {
  resource: string;
  holder: string;
  fence: number;
  expires_at: string;
  live: boolean;
}

const READ_ONE = `SELECT *, expires_at > ${PG_NOW} AS live FROM leases WHERE resource = $1`;

/**
 * The same upsert as SQLite's (src/store/leaseRepository.ts): a new resource is taken with fence 1;
 * an existing row changes only when the caller holds it (same fence) or it has expired by the
 * database's clock (fence + 1). Two nodes at once: the second waits on the row lock and then
 * re-checks the condition against the first one's row, so only one of them takes it.
 */
export function createLeaseRepository(pool: Pool): LeaseRepository {
  return {
    async acquire(resource, node, ttlMs) {
      const row = await inTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO leases (resource, holder, fence, expires_at)
           VALUES ($1, $2, 1, ${pgNowPlus(3)})
           ON CONFLICT (resource) DO UPDATE SET
             fence = CASE WHEN leases.holder = excluded.holder THEN leases.fence ELSE leases.fence + 1 END,
             holder = excluded.holder,
             expires_at = excluded.expires_at
           WHERE leases.holder = excluded.holder OR leases.expires_at <= ${PG_NOW}`,
          [resource, node, ttlMs],
        );
        return (await client.query<LeaseRow>(READ_ONE, [resource])).rows[0] as LeaseRow;
      });
      return { held: row.holder === node && row.live, holder: row.holder, fence: row.fence, expiresAt: row.expires_at };
    },
    async release(resource, node) {
      // Expired now, holder and fence kept: the next taker gets fence + 1.
      const result = await pool.query(
        `UPDATE leases SET expires_at = ${PG_NOW} WHERE resource = $1 AND holder = $2 AND expires_at > ${PG_NOW}`,
        [resource, node],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async list() {
      const { rows } = await pool.query<LeaseRow>(
        `SELECT *, expires_at > ${PG_NOW} AS live FROM leases ORDER BY resource`,
      );
      return rows.map(
        (row): StoredLease => ({
          resource: row.resource,
          holder: row.holder,
          fence: row.fence,
          expiresAt: row.expires_at,
          live: row.live,
        }),
      );
    },
  };
}
