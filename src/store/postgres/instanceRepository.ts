import { McpctlError } from '../../shared/errors.js';
import { type InstanceRow, toInstance } from '../rows.js';
import type { InstancePatch, InstanceRepository } from '../types.js';
import { inTransaction, type Pool } from './pool.js';

/** The patchable fields and their columns; an `undefined` value in a patch means "leave as is". */
const COLUMNS = {
  desired: 'desired',
  state: 'state',
  pid: 'pid',
  pidStartTime: 'pid_start_time',
  restarts: 'restarts',
  lastExitCode: 'last_exit_code',
  lastExitSignal: 'last_exit_signal',
  lastError: 'last_error',
  startedAt: 'started_at',
  nextRestartAt: 'next_restart_at',
  downSince: 'down_since',
} as const satisfies Record<keyof InstancePatch, string>;

export function createInstanceRepository(pool: Pool): InstanceRepository {
  return {
    async list() {
      return (await pool.query<InstanceRow>('SELECT * FROM instances ORDER BY server, node')).rows.map(toInstance);
    },
    async get(server, node = '') {
      const { rows } = await pool.query<InstanceRow>('SELECT * FROM instances WHERE server = $1 AND node = $2', [
        server,
        node,
      ]);
      return rows[0] && toInstance(rows[0]);
    },
    async setDesiredEverywhere(server, desired) {
      const result = await pool.query('UPDATE instances SET desired = $2, updated_at = $3 WHERE server = $1', [
        server,
        desired,
        new Date().toISOString(),
      ]);
      return result.rowCount ?? 0;
    },
    async update(server, patch, node = '') {
      const given = (Object.keys(COLUMNS) as Array<keyof InstancePatch>).filter((key) => patch[key] !== undefined);
      const columns = given.map((key) => COLUMNS[key]);
      const values = given.map((key) => patch[key]);
      const now = new Date().toISOString();
      // The patch applied by one upsert: the columns not given keep their value (or take the defaults).
      const insertColumns = ['server', 'node', ...columns, 'updated_at'];
      const placeholders = insertColumns.map((_, i) => `$${i + 1}`);
      const updates = [...columns, 'updated_at'].map((column) => `${column} = excluded.${column}`);
      const row = await inTransaction(pool, async (client) => {
        // Locks the server's row: two writers of one instance take turns, and a missing server is told apart.
        const owner = await client.query('SELECT 1 FROM servers WHERE name = $1 FOR NO KEY UPDATE', [server]);
        if (owner.rowCount === 0) {
          throw new McpctlError('NOT_FOUND', `no server named '${server}'`, {
            hint: "list the servers with 'mcpctl ls', or add it with 'mcpctl server add'",
          });
        }
        const { rows } = await client.query<InstanceRow>(
          `INSERT INTO instances (${insertColumns.join(', ')}) VALUES (${placeholders.join(', ')})
           ON CONFLICT (server, node) DO UPDATE SET ${updates.join(', ')} RETURNING *`,
          [server, node, ...values, now],
        );
        return rows[0] as InstanceRow;
      });
      return toInstance(row);
    },
  };
}
