import type { Database } from 'better-sqlite3';
import { DANGLING_REASON, DEFAULT_MAX_SESSIONS } from './retention.js';
import { type SessionRow, toSession } from './rows.js';
import type { OpenedSession, SessionClose, SessionRepository } from './types.js';

/**
 * Runs a session-history write without waiting for fsync (WAL, synchronous NORMAL), then puts the
 * connection back to FULL. Session rows are a record of traffic, written on every open and close
 * on the daemon's only thread: a FULL commit there stalls every session's calls for the disk's
 * fsync (6-9 ms each here; opening 1,000 sessions took 7-10 s). NORMAL keeps the database
 * consistent; a power loss may drop the last few rows, and the next FULL commit (any server
 * change) makes them durable too.
 */
export function withoutFsync(db: Database): <T>(write: () => T) => T {
  const normal = db.prepare('PRAGMA synchronous = NORMAL');
  const full = db.prepare('PRAGMA synchronous = FULL');
  return (write) => {
    normal.run();
    try {
      return write();
    } finally {
      full.run();
    }
  };
}

export function createSessionRepository(db: Database, maxSessions = DEFAULT_MAX_SESSIONS): SessionRepository {
  const insertOne = db.prepare<[Omit<SessionRow, 'closed_at' | 'close_reason'>], { rowid: number }>(
    `INSERT INTO sessions (id, server, transport, client_name, client_version, protocol_version,
       started_at, last_activity, requests, errors, node)
     VALUES (@id, @server, @transport, @client_name, @client_version, @protocol_version,
       @started_at, @last_activity, @requests, @errors, @node)
     ON CONFLICT (id) DO NOTHING RETURNING rowid`,
  );
  // Each new row takes the largest rowid + 1, so "older than the newest maxSessions" is a
  // rowid range: one seek per insert. Open sessions are spared (their close still has to
  // land); they fall in the range again, closed, at a later insert.
  const trim = db.prepare<[number]>('DELETE FROM sessions WHERE rowid <= ? AND closed_at IS NOT NULL');
  const closeOne = db.prepare<[Record<string, string | number | null>]>(
    `UPDATE sessions SET closed_at = @closed_at, close_reason = @close_reason, requests = @requests,
       errors = @errors, last_activity = @last_activity,
       client_name = coalesce(client_name, @client_name),
       client_version = coalesce(client_version, @client_version),
       protocol_version = coalesce(protocol_version, @protocol_version)
     WHERE id = @id AND closed_at IS NULL`,
  );
  const getOne = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
  const recent = db.prepare<[{ server: string | null; closed_only: number; limit: number }], SessionRow>(
    `SELECT * FROM sessions
     WHERE (@server IS NULL OR server = @server) AND (@closed_only = 0 OR closed_at IS NOT NULL)
     ORDER BY started_at DESC, rowid DESC LIMIT @limit`,
  );
  const closeAll = db.prepare<[string, string, string]>(
    'UPDATE sessions SET closed_at = ?, close_reason = ? WHERE closed_at IS NULL AND (node = ? OR node IS NULL)',
  );
  const relaxed = withoutFsync(db);
  const closeRelaxed = (params: Record<string, string | number | null>) => relaxed(() => closeOne.run(params));
  const open = db.transaction((session: OpenedSession): boolean => {
    const inserted = insertOne.get({
      id: session.id,
      server: session.server,
      transport: session.transport,
      client_name: session.clientName,
      client_version: session.clientVersion,
      protocol_version: session.protocolVersion,
      started_at: session.startedAt,
      last_activity: session.lastActivity,
      requests: session.requests,
      errors: session.errors,
      node: session.node,
    });
    if (!inserted) return false;
    trim.run(inserted.rowid - maxSessions);
    return true;
  });

  return {
    async recordOpened(session) {
      return relaxed(() => open.immediate(session));
    },
    async recordClosed(id, close: SessionClose) {
      const result = closeRelaxed({
        id,
        closed_at: close.closedAt,
        close_reason: close.reason,
        requests: close.requests,
        errors: close.errors,
        last_activity: close.lastActivity,
        client_name: close.clientName ?? null,
        client_version: close.clientVersion ?? null,
        protocol_version: close.protocolVersion ?? null,
      });
      return result.changes > 0;
    },
    async get(id) {
      const row = getOne.get(id);
      return row && toSession(row);
    },
    async listRecent({ server, limit, closedOnly }) {
      return recent.all({ server: server ?? null, closed_only: closedOnly ? 1 : 0, limit }).map(toSession);
    },
    async closeDangling(time, node) {
      // Only this node's: on a shared store the other nodes' sessions are alive.
      return closeAll.run(time, DANGLING_REASON, node).changes;
    },
  };
}
