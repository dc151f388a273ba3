import { McpctlError } from '../../shared/errors.js';
import type { JsonObject, ServerRepository, StoredServer } from '../types.js';
import { isUniqueViolation } from './pgErrors.js';
import { inTransaction, type Pool } from './pool.js';

interface ServerRow {
  name: string;
  transport: string;
  spec: JsonObject;
  created_at: string;
  updated_at: string;
}

function toServer(row: ServerRow): StoredServer {
  return {
    name: row.name,
    transport: row.transport,
    spec: row.spec,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createServerRepository(pool: Pool): ServerRepository {
  return {
    async list() {
      return (await pool.query<ServerRow>('SELECT * FROM servers ORDER BY name')).rows.map(toServer);
    },
    async get(name) {
      const row = (await pool.query<ServerRow>('SELECT * FROM servers WHERE name = $1', [name])).rows[0];
      return row && toServer(row);
    },
    async insert(server) {
      const now = new Date().toISOString();
      try {
        // The constraint decides, not a prior SELECT: two daemons may insert at once.
        const row = await inTransaction(pool, async (client) => {
          const inserted = await client.query<ServerRow>(
            `INSERT INTO servers (name, transport, spec, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) RETURNING *`,
            [server.name, server.transport, JSON.stringify(server.spec), now],
          );
          if (server.desired !== undefined) {
            await client.query(
              "INSERT INTO instances (server, desired, state, updated_at) VALUES ($1, $2, 'stopped', $3)",
              [server.name, server.desired, now],
            );
          }
          return inserted.rows[0] as ServerRow;
        });
        return toServer(row);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new McpctlError('ALREADY_EXISTS', `a server named '${server.name}' already exists`, {
          hint: `pick another name, or remove it first with 'mcpctl server rm ${server.name}'`,
          cause: error,
        });
      }
    },
    async update(server) {
      const { rows } = await pool.query<ServerRow>(
        'UPDATE servers SET transport = $1, spec = $2, updated_at = $3 WHERE name = $4 RETURNING *',
        [server.transport, JSON.stringify(server.spec), new Date().toISOString(), server.name],
      );
      const row = rows[0];
      if (!row) {
        throw new McpctlError('NOT_FOUND', `no server named '${server.name}'`, {
          hint: "list servers with 'mcpctl server ls'",
        });
      }
      return toServer(row);
    },
    async remove(name) {
      // Instance state and events go with it through ON DELETE CASCADE.
      return ((await pool.query('DELETE FROM servers WHERE name = $1', [name])).rowCount ?? 0) > 0;
    },
  };
}
