import type { Database } from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import { DEFAULT_MAX_EVENTS } from './retention.js';
import { isForeignKeyViolation } from './sqliteErrors.js';
import type { EventQuery, EventRepository, JsonObject, NewEvent, StoredEvent } from './types.js';

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

function toRow(event: NewEvent): Omit<EventRow, 'id'> {
  return {
    time: event.time ?? new Date().toISOString(),
    server: event.server,
    type: event.type,
    message: event.message,
    data: event.data == null ? null : JSON.stringify(event.data),
  };
}

/** The WHERE clause and parameters of a query; built from fixed fragments, values always bound. */
function whereOf(query: EventQuery): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (query.afterId !== undefined) {
    clauses.push('id > ?');
    params.push(query.afterId);
  }
  if (query.since !== undefined) {
    clauses.push('time >= ?');
    params.push(query.since);
  }
  if (query.server !== undefined) {
    // A removed server's own events went with it; what is left of it is recorded without a server row.
    clauses.push("(server = ? OR (server IS NULL AND json_extract(data, '$.server') = ?))");
    params.push(query.server, query.server);
  }
  if (query.types !== undefined && query.types.length > 0) {
    clauses.push(`type IN (${query.types.map(() => '?').join(', ')})`);
    params.push(...query.types);
  }
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

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
  // A batch's late event of a server removed meanwhile keeps its row, without the server reference.
  const insertLenient = db.prepare<[Omit<EventRow, 'id'>], EventRow>(
    `INSERT INTO events (time, server, type, message, data)
     VALUES (@time, (SELECT name FROM servers WHERE name = @server), @type, @message, @data) RETURNING *`,
  );
  const append = db.transaction((row: Omit<EventRow, 'id'>): StoredEvent => {
    const inserted = insertOne.get(row) as EventRow;
    trim.run(inserted.id - maxEvents);
    return toEvent(inserted);
  });
  const appendAll = db.transaction((rows: ReadonlyArray<Omit<EventRow, 'id'>>): StoredEvent[] => {
    const inserted = rows.map((row) => insertLenient.get(row) as EventRow);
    const last = inserted.at(-1);
    if (last) trim.run(last.id - maxEvents);
    return inserted.map(toEvent);
  });

  return {
    async append(event) {
      const row = toRow(event);
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
    async appendMany(events) {
      if (events.length === 0) return [];
      return appendAll.immediate(events.map(toRow));
    },
    async query(query) {
      const { sql, params } = whereOf(query);
      const rows = db
        .prepare<unknown[], EventRow>(
          `SELECT * FROM (SELECT * FROM events ${sql} ORDER BY id DESC LIMIT ?) ORDER BY id`,
        )
        .all(...params, query.limit);
      return rows.map(toEvent);
    },
  };
}
