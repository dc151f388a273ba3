import { DANGLING_REASON, DEFAULT_MAX_SESSIONS } from '../retention.js';
import { type SessionRow as StoredSessionRow, toSession } from '../rows.js';
import type { SessionRepository } from '../types.js';
import { inTransaction, type Pool } from './pool.js';

/** Its `seq` orders sessions started in the same millisecond and bounds the history. */
type SessionRow = StoredSessionRow & { seq: string };

/** Session history; its writes do not wait for the WAL flush (see inTransaction's `relaxed`). */
export function createSessionRepository(pool: Pool, maxSessions = DEFAULT_MAX_SESSIONS): SessionRepository {
  const relaxed = { relaxed: true };
  return {
    async recordOpened(session) {
      return inTransaction(
        pool,
        async (client) => {
          const { rows } = await client.query<{ seq: string }>(
            `INSERT INTO sessions (id, server, transport, client_name, client_version, protocol_version,
               started_at, last_activity, requests, errors, node)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (id) DO NOTHING RETURNING seq`,
            [
              session.id,
              session.server,
              session.transport,
              session.clientName,
              session.clientVersion,
              session.protocolVersion,
              session.startedAt,
              session.lastActivity,
              session.requests,
              session.errors,
              session.node,
            ],
          );
          const inserted = rows[0];
          if (!inserted) return false;
          // Open sessions are spared: their close still has to land (they are trimmed at a later insert).
          await client.query('DELETE FROM sessions WHERE seq <= $1 AND closed_at IS NOT NULL', [
            Number(inserted.seq) - maxSessions,
          ]);
          return true;
        },
        relaxed,
      );
    },
    async recordClosed(id, close) {
      return inTransaction(
        pool,
        async (client) => {
          const result = await client.query(
            `UPDATE sessions SET closed_at = $2, close_reason = $3, requests = $4, errors = $5, last_activity = $6,
               client_name = coalesce(client_name, $7), client_version = coalesce(client_version, $8),
               protocol_version = coalesce(protocol_version, $9)
             WHERE id = $1 AND closed_at IS NULL`,
            [
              id,
              close.closedAt,
              close.reason,
              close.requests,
              close.errors,
              close.lastActivity,
              close.clientName ?? null,
              close.clientVersion ?? null,
              close.protocolVersion ?? null,
            ],
          );
          return (result.rowCount ?? 0) > 0;
        },
        relaxed,
      );
    },
    async get(id) {
      const row = (await pool.query<SessionRow>('SELECT * FROM sessions WHERE id = $1', [id])).rows[0];
      return row && toSession(row);
    },
    async listRecent({ server, limit, closedOnly }) {
      const { rows } = await pool.query<SessionRow>(
        `SELECT * FROM sessions
         WHERE ($1::text IS NULL OR server = $1) AND (NOT $2::boolean OR closed_at IS NOT NULL)
         ORDER BY started_at DESC, seq DESC LIMIT $3`,
        [server ?? null, closedOnly === true, limit],
      );
      return rows.map(toSession);
    },
    async closeDangling(time, node) {
      // Only this node's: the other nodes of the cluster still serve theirs.
      const result = await pool.query(
        'UPDATE sessions SET closed_at = $1, close_reason = $2 WHERE closed_at IS NULL AND (node = $3 OR node IS NULL)',
        [time, DANGLING_REASON, node],
      );
      return result.rowCount ?? 0;
    },
  };
}
