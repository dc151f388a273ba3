import type { Database } from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import { isForeignKeyViolation } from './sqliteErrors.js';
import type { EventRepository, JsonObject, StoredEvent } from './types.js';

interface EventRow {
  id: number;
  time: string;
  server: string | null;
  type: string;
  message: string;
  data: string | null;
}

function toEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    time: row.time,
    server: row.server,
    type: row.type,
    message: row.message,
    data: row.data === null ? null : (JSON.parse(row.data) as JsonObject),
  };
}

export const DEFAULT_MAX_EVENTS = 10_000;

export function createEventRepository(db: Database, maxEvents = DEFAULT_MAX_EVENTS): EventRepository {
  const insertOne = db.prepare<[Omit<EventRow, 'id'>], EventRow>(
    'INSERT INTO events (time, server, type, message, data) VALUES (@time, @server, @type, @message, @data) RETURNING *',
  );
  // AUTOINCREMENT ids only grow, so "older than the newest maxEvents" is a range on the
  // rowid: one index seek per append, and the table never exceeds maxEvents rows.
  const trim = db.prepare<[number]>('DELETE FROM events WHERE id <= ?');
  const newest = db.prepare<[number], EventRow>(
    'SELECT * FROM (SELECT * FROM events ORDER BY id DESC LIMIT ?) ORDER BY id',
  );
  const newestOf = db.prepare<[string, number], EventRow>(
    'SELECT * FROM (SELECT * FROM events WHERE server = ? ORDER BY id DESC LIMIT ?) ORDER BY id',
  );
  const append = db.transaction((row: Omit<EventRow, 'id'>): StoredEvent => {
    const inserted = insertOne.get(row) as EventRow;
    trim.run(inserted.id - maxEvents);
    return toEvent(inserted);
  });

  return {
    async append(event) {
      const row = {
        time: event.time ?? new Date().toISOString(),
        server: event.server,
        type: event.type,
        message: event.message,
        data: event.data == null ? null : JSON.stringify(event.data),
      };
      try {
        return append.immediate(row);
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        throw new McpctlError('NOT_FOUND', `cannot record an event for '${event.server}': no server has that name`, {
          hint: "list the servers with 'mcpctl ls'; events without a server take server: null",
          cause: error,
        });
      }
    },
    async list({ server, limit }) {
      const rows = server === undefined ? newest.all(limit) : newestOf.all(server, limit);
      return rows.map(toEvent);
    },
  };
}
