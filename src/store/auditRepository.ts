import type { Database } from 'better-sqlite3';
import { type AuditRow, toEntry } from './rows.js';
import { withoutFsync } from './sessionRepository.js';
import type { AuditRepository, NewAuditEntry } from './types.js';

type InsertArgs = [
  time: string,
  principal: string,
  principalKind: string,
  role: string,
  address: string,
  method: string,
  server: string | null,
  tool: string | null,
  session: string | null,
  outcome: string,
  error: string | null,
  durationMs: number,
];

/**
 * The audit table. Batches arrive from core's queue (one transaction each, without waiting for
 * fsync, as session rows: a record of traffic must not stall the daemon's thread on the disk).
 */
export function createAuditRepository(db: Database): AuditRepository {
  // Positional: a row per tools/call, and binding by position skips a name lookup per column.
  const insertOne = db.prepare<InsertArgs>(
    `INSERT INTO audit (time, principal, principal_kind, role, address, method, server, tool, session,
       outcome, error, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const newestId = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM audit');
  // AUTOINCREMENT ids only grow: "beyond the newest maxRows" is one range on the rowid.
  const trimCount = db.prepare<[number]>('DELETE FROM audit WHERE id <= ?');
  const trimAge = db.prepare<[string]>('DELETE FROM audit WHERE time < ?');
  const query = db.prepare<
    [{ since: string | null; principal: string | null; server: string | null; limit: number }],
    AuditRow
  >(
    `SELECT * FROM (
       SELECT * FROM audit
       WHERE (@since IS NULL OR time >= @since) AND (@principal IS NULL OR principal = @principal)
         AND (@server IS NULL OR server = @server)
       ORDER BY id DESC LIMIT @limit)
     ORDER BY id`,
  );
  const relaxed = withoutFsync(db);
  const appendAll = db.transaction((entries: readonly NewAuditEntry[]) => {
    for (const e of entries) {
      insertOne.run(
        e.time,
        e.principal,
        e.principalKind,
        e.role,
        e.address,
        e.method,
        e.server,
        e.tool,
        e.session,
        e.outcome,
        e.error,
        e.durationMs,
      );
    }
  });
  const pruneAll = db.transaction((maxRows: number, olderThan: string): number => {
    const newest = newestId.get()?.id ?? 0;
    return trimCount.run(newest - maxRows).changes + trimAge.run(olderThan).changes;
  });

  return {
    async append(entries) {
      if (entries.length > 0) relaxed(() => appendAll.immediate(entries));
    },
    async prune({ maxRows, olderThan }) {
      return relaxed(() => pruneAll.immediate(maxRows, olderThan));
    },
    async list({ since, principal, server, limit }) {
      return query
        .all({ since: since ?? null, principal: principal ?? null, server: server ?? null, limit })
        .map(toEntry);
    },
  };
}
