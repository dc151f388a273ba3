import { McpctlError } from '../../shared/errors.js';
import type { AlertRepository, JsonObject, StoredAlert } from '../types.js';
import { isUniqueViolation } from './pgErrors.js';
import type { Pool } from './pool.js';

interface AlertRow {
  name: string;
  spec: JsonObject;
  created_at: string;
}

function toAlert(row: AlertRow): StoredAlert {
  return { name: row.name, spec: row.spec, createdAt: row.created_at };
}

export function createAlertRepository(pool: Pool): AlertRepository {
  return {
    async list() {
      return (await pool.query<AlertRow>('SELECT * FROM alerts ORDER BY name')).rows.map(toAlert);
    },
    async insert({ name, spec }) {
      try {
        const { rows } = await pool.query<AlertRow>(
          'INSERT INTO alerts (name, spec, created_at) VALUES ($1, $2, $3) RETURNING *',
          [name, JSON.stringify(spec), new Date().toISOString()],
        );
        return toAlert(rows[0] as AlertRow);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new McpctlError('ALREADY_EXISTS', `an alert named '${name}' already exists`, {
          hint: `pick another name, or remove it first with 'mcpctl alert rm ${name}'`,
          cause: error,
        });
      }
    },
    async remove(name) {
      return ((await pool.query('DELETE FROM alerts WHERE name = $1', [name])).rowCount ?? 0) > 0;
    },
  };
}
