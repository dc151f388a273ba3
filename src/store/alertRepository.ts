import type { Database } from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import { isUniqueViolation } from './sqliteErrors.js';
import type { AlertRepository, JsonObject, StoredAlert } from './types.js';

interface AlertRow {
  name: string;
  spec: string;
  created_at: string;
}

function toAlert(row: AlertRow): StoredAlert {
  return { name: row.name, spec: JSON.parse(row.spec) as JsonObject, createdAt: row.created_at };
}

/** Alert rules added from the CLI; each write one IMMEDIATE transaction, as the other repositories. */
export function createAlertRepository(db: Database): AlertRepository {
  const listAll = db.prepare<[], AlertRow>('SELECT * FROM alerts ORDER BY name');
  const insertOne = db.prepare<[AlertRow], AlertRow>(
    'INSERT INTO alerts (name, spec, created_at) VALUES (@name, @spec, @created_at) RETURNING *',
  );
  const removeOne = db.prepare<[string]>('DELETE FROM alerts WHERE name = ?');
  const insertCommitted = db.transaction((row: AlertRow): AlertRow => insertOne.get(row) as AlertRow);
  const removeCommitted = db.transaction((name: string): boolean => removeOne.run(name).changes > 0);

  return {
    async list() {
      return listAll.all().map(toAlert);
    },
    async insert({ name, spec }) {
      try {
        return toAlert(
          insertCommitted.immediate({ name, spec: JSON.stringify(spec), created_at: new Date().toISOString() }),
        );
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new McpctlError('ALREADY_EXISTS', `an alert named '${name}' already exists`, {
          hint: `pick another name, or remove it first with 'mcpctl alert rm ${name}'`,
          cause: error,
        });
      }
    },
    async remove(name) {
      return removeCommitted.immediate(name);
    },
  };
}
