import { McpctlError } from '../../shared/errors.js';
import { DEFAULT_MAX_EVENTS } from '../retention.js';
import type { EventQuery, EventRepository, JsonObject, NewEvent, StoredEvent } from '../types.js';
import { isForeignKeyViolation } from './pgErrors.js';
import { inTransaction, type Pool, type Queryable } from './pool.js';

interface EventRow {
  /** bigint: pg hands it over as text. */
  id: string;
  time: string;
  server: string | null;
  type: string;
  message: string;
  data: JsonObject | null;
}

function toEvent(row: EventRow): StoredEvent {
  return {
    id: Number(row.id),
    time: row.time,
    server: row.server,
    type: row.type,
    message: row.message,
    data: row.data,
  };
}

function valuesOf(event: NewEvent): unknown[] {
  return [
    event.time ?? new Date().toISOString(),
    event.server,
    event.type,
    event.message,
    event.data == null ? null : JSON.stringify(event.data),
  ];
}

/** The WHERE clause and parameters of a query; built from fixed fragments, values always bound. */
function whereOf(query: EventQuery): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.afterId !== undefined) clauses.push(`id > ${param(query.afterId)}`);
  if (query.since !== undefined) clauses.push(`time >= ${param(query.since)}`);
  if (query.server !== undefined) {
    // A removed server's own events went with it; what is left of it is recorded without a server row.
    const server = param(query.server);
    clauses.push(`(server = ${server} OR (server IS NULL AND data->>'server' = ${server}))`);
  }
  if (query.types !== undefined && query.types.length > 0) clauses.push(`type = ANY(${param(query.types)}::text[])`);
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

export function createEventRepository(pool: Pool, maxEvents = DEFAULT_MAX_EVENTS): EventRepository {
  // Identity ids only grow, so "older than the newest maxEvents" is a range on the primary key.
  const trim = (client: Queryable, newestId: string) =>
    client.query('DELETE FROM events WHERE id <= $1', [Number(newestId) - maxEvents]);
  const newest = async (where: string, params: unknown[], limit: number) => {
    const { rows } = await pool.query<EventRow>(
      `SELECT * FROM (SELECT * FROM events ${where} ORDER BY id DESC LIMIT $${params.length + 1}) newest ORDER BY id`,
      [...params, limit],
    );
    return rows.map(toEvent);
  };

  return {
    async append(event) {
      try {
        return await inTransaction(pool, async (client) => {
          const { rows } = await client.query<EventRow>(
            'INSERT INTO events (time, server, type, message, data) VALUES ($1, $2, $3, $4, $5) RETURNING *',
            valuesOf(event),
          );
          const inserted = rows[0] as EventRow;
          await trim(client, inserted.id);
          return toEvent(inserted);
        });
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        throw new McpctlError('NOT_FOUND', `cannot record an event for '${event.server}': no server has that name`, {
          hint: "list the servers with 'mcpctl ls'; events without a server take server: null",
          cause: error,
        });
      }
    },
    async appendMany(events) {
      if (events.length === 0) return [];
      return inTransaction(pool, async (client) => {
        const inserted: EventRow[] = [];
        for (const event of events) {
          // A late event of a server removed meanwhile keeps its row, without the server reference.
          const { rows } = await client.query<EventRow>(
            `INSERT INTO events (time, server, type, message, data)
             VALUES ($1, (SELECT name FROM servers WHERE name = $2), $3, $4, $5) RETURNING *`,
            valuesOf(event),
          );
          inserted.push(rows[0] as EventRow);
        }
        const last = inserted.at(-1);
        if (last) await trim(client, last.id);
        return inserted.map(toEvent);
      });
    },
    async list({ server, limit }) {
      return server === undefined ? newest('', [], limit) : newest('WHERE server = $1', [server], limit);
    },
    async query(query) {
      const { sql, params } = whereOf(query);
      return newest(sql, params, query.limit);
    },
  };
}
