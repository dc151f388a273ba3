import { type AuditRow, toEntry } from '../rows.js';
import type { AuditRepository, NewAuditEntry } from '../types.js';
import { inTransaction, type Pool } from './pool.js';

const COLUMNS = 12;
const CHUNK = 1000;

function valuesOf(entry: NewAuditEntry): unknown[] {
  return [
    entry.time,
    entry.principal,
    entry.principalKind,
    entry.role,
    entry.address,
    entry.method,
    entry.server,
    entry.tool,
    entry.session,
    entry.outcome,
    entry.error,
    entry.durationMs,
  ];
}

/** The audit table; batches are written as session rows are, without waiting for the WAL flush. */
export function createAuditRepository(pool: Pool): AuditRepository {
  const relaxed = { relaxed: true };
  return {
    async append(entries) {
      if (entries.length === 0) return;
      // Multi-row INSERTs: one round trip per chunk, in order (identity ids follow the VALUES order);
      // chunked to stay under PostgreSQL's 65,535 parameters per statement.
      await inTransaction(
        pool,
        async (client) => {
          for (let start = 0; start < entries.length; start += CHUNK) {
            const chunk = entries.slice(start, start + CHUNK);
            const rows = chunk.map(
              (_, row) =>
                `(${Array.from({ length: COLUMNS }, (_, column) => `$${row * COLUMNS + column + 1}`).join(', ')})`,
            );
            await client.query(
              `INSERT INTO audit (time, principal, principal_kind, role, address, method, server, tool, session,
                 outcome, error, duration_ms) VALUES ${rows.join(', ')}`,
              chunk.flatMap(valuesOf),
            );
          }
        },
        relaxed,
      );
    },
    async prune({ maxRows, olderThan }) {
      return inTransaction(
        pool,
        async (client) => {
          // Identity ids only grow: "beyond the newest maxRows" is one range on the key.
          const newest = await client.query<{ id: string | null }>('SELECT max(id) AS id FROM audit');
          const cut = Number(newest.rows[0]?.id ?? 0) - maxRows;
          const byCount = await client.query('DELETE FROM audit WHERE id <= $1', [cut]);
          const byAge = await client.query('DELETE FROM audit WHERE time < $1', [olderThan]);
          return (byCount.rowCount ?? 0) + (byAge.rowCount ?? 0);
        },
        relaxed,
      );
    },
    async list({ since, principal, server, limit }) {
      const { rows } = await pool.query<AuditRow>(
        `SELECT * FROM (
           SELECT * FROM audit
           WHERE ($1::text IS NULL OR time >= $1) AND ($2::text IS NULL OR principal = $2)
             AND ($3::text IS NULL OR server = $3)
           ORDER BY id DESC LIMIT $4) newest
         ORDER BY id`,
        [since ?? null, principal ?? null, server ?? null, limit],
      );
      return rows.map(toEntry);
    },
  };
}
