import type { Database } from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import { isUniqueViolation } from './sqliteErrors.js';
import type { JsonObject, ServerRepository, StoredServer } from './types.js';

interface ServerRow {
  name: string;
  transport: string;
  spec: string;
  created_at: string;
  updated_at: string;
}

function toServer(row: ServerRow): StoredServer {
  return {
    name: row.name,
    transport: row.transport,
    spec: JSON.parse(row.spec) as JsonObject,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createServerRepository(db: Database): ServerRepository {
  const listAll = db.prepare<[], ServerRow>('SELECT * FROM servers ORDER BY name');
  const getOne = db.prepare<[string], ServerRow>('SELECT * FROM servers WHERE name = ?');
  const insertOne = db.prepare<[ServerRow], ServerRow>(
    `INSERT INTO servers (name, transport, spec, created_at, updated_at)
     VALUES (@name, @transport, @spec, @created_at, @updated_at) RETURNING *`,
  );
  // An explicit transaction, not a bare `insertOne.get()`: a RETURNING statement read with
  // get() is reset after its first row, and in autocommit mode that reset is the commit,
  // whose failure (SQLITE_FULL on a full disk) better-sqlite3 drops. COMMIT reports it.
  const insertInstance = db.prepare<[string, string, string]>(
    "INSERT INTO instances (server, desired, state, updated_at) VALUES (?, ?, 'stopped', ?)",
  );
  const insertCommitted = db.transaction((row: ServerRow, desired: string | undefined): ServerRow => {
    const inserted = insertOne.get(row) as ServerRow;
    if (desired !== undefined) insertInstance.run(row.name, desired, row.created_at);
    return inserted;
  });
  const updateOne = db.prepare<[string, string, string, string]>(
    'UPDATE servers SET transport = ?, spec = ?, updated_at = ? WHERE name = ?',
  );
  // Instance state and events go with it through ON DELETE CASCADE.
  const removeOne = db.prepare<[string]>('DELETE FROM servers WHERE name = ?');

  return {
    async list() {
      return listAll.all().map(toServer);
    },
    async get(name) {
      const row = getOne.get(name);
      return row && toServer(row);
    },
    async insert(server) {
      const now = new Date().toISOString();
      const row = {
        name: server.name,
        transport: server.transport,
        spec: JSON.stringify(server.spec),
        created_at: now,
        updated_at: now,
      };
      try {
        // The constraint decides, not a prior SELECT: two daemons may insert at once.
        return toServer(insertCommitted.immediate(row, server.desired));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new McpctlError('ALREADY_EXISTS', `a server named '${server.name}' already exists`, {
          hint: `pick another name, or remove it first with 'mcpctl server rm ${server.name}'`,
          cause: error,
        });
      }
    },
    async update(server) {
      // One statement in autocommit: run() reports a failed commit (unlike a RETURNING get()).
      const now = new Date().toISOString();
      if (updateOne.run(server.transport, JSON.stringify(server.spec), now, server.name).changes === 0) {
        throw new McpctlError('NOT_FOUND', `no server named '${server.name}'`, {
          hint: "list servers with 'mcpctl server ls'",
        });
      }
      return toServer(getOne.get(server.name) as ServerRow);
    },
    async remove(name) {
      return removeOne.run(name).changes > 0;
    },
  };
}
