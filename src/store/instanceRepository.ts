import type { Database } from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import { type InstanceRow, toInstance } from './rows.js';
import { isForeignKeyViolation } from './sqliteErrors.js';
import type { InstancePatch, InstanceRepository, StoredInstance } from './types.js';

function toRow(instance: StoredInstance): InstanceRow {
  return {
    server: instance.server,
    node: instance.node,
    desired: instance.desired,
    state: instance.state,
    pid: instance.pid,
    pid_start_time: instance.pidStartTime,
    restarts: instance.restarts,
    last_exit_code: instance.lastExitCode,
    last_exit_signal: instance.lastExitSignal,
    last_error: instance.lastError,
    started_at: instance.startedAt,
    next_restart_at: instance.nextRestartAt,
    down_since: instance.downSince,
    updated_at: instance.updatedAt,
  };
}

function defaults(server: string, node: string): StoredInstance {
  return {
    server,
    node,
    desired: 'stopped',
    state: 'stopped',
    pid: null,
    pidStartTime: null,
    restarts: 0,
    lastExitCode: null,
    lastExitSignal: null,
    lastError: null,
    startedAt: null,
    nextRestartAt: null,
    downSince: null,
    updatedAt: '',
  };
}

/** Only the fields the port allows; an `undefined` value means "leave as is". */
const PATCHABLE = [
  'desired',
  'state',
  'pid',
  'pidStartTime',
  'restarts',
  'lastExitCode',
  'lastExitSignal',
  'lastError',
  'startedAt',
  'nextRestartAt',
  'downSince',
] as const satisfies ReadonlyArray<keyof InstancePatch>;

function applyPatch(current: StoredInstance, patch: InstancePatch, now: string): StoredInstance {
  const given = PATCHABLE.filter((key) => patch[key] !== undefined).map((key) => [key, patch[key]]);
  return { ...current, ...(Object.fromEntries(given) as InstancePatch), updatedAt: now };
}

export function createInstanceRepository(db: Database): InstanceRepository {
  const listAll = db.prepare<[], InstanceRow>('SELECT * FROM instances ORDER BY server, node');
  const getOne = db.prepare<[string, string], InstanceRow>('SELECT * FROM instances WHERE server = ? AND node = ?');
  const setDesired = db.prepare<[string, string, string]>(
    'UPDATE instances SET desired = ?, updated_at = ? WHERE server = ?',
  );
  const upsert = db.prepare<[InstanceRow], InstanceRow>(
    `INSERT INTO instances (server, node, desired, state, pid, pid_start_time, restarts, last_exit_code,
       last_exit_signal, last_error, started_at, next_restart_at, down_since, updated_at)
     VALUES (@server, @node, @desired, @state, @pid, @pid_start_time, @restarts, @last_exit_code,
       @last_exit_signal, @last_error, @started_at, @next_restart_at, @down_since, @updated_at)
     ON CONFLICT (server, node) DO UPDATE SET desired = excluded.desired, state = excluded.state,
       pid = excluded.pid, pid_start_time = excluded.pid_start_time, restarts = excluded.restarts,
       last_exit_code = excluded.last_exit_code, last_exit_signal = excluded.last_exit_signal,
       last_error = excluded.last_error, started_at = excluded.started_at,
       next_restart_at = excluded.next_restart_at, down_since = excluded.down_since,
       updated_at = excluded.updated_at
     RETURNING *`,
  );
  // Read-merge-write under one write lock (IMMEDIATE), so a second daemon cannot interleave.
  const update = db.transaction((server: string, patch: InstancePatch, node: string): StoredInstance => {
    const row = getOne.get(server, node);
    const current = row ? toInstance(row) : defaults(server, node);
    const next = applyPatch(current, patch, new Date().toISOString());
    return toInstance(upsert.get(toRow(next)) as InstanceRow);
  });

  return {
    async list() {
      return listAll.all().map(toInstance);
    },
    async get(server, node = '') {
      const row = getOne.get(server, node);
      return row && toInstance(row);
    },
    async setDesiredEverywhere(server, desired) {
      return setDesired.run(desired, new Date().toISOString(), server).changes;
    },
    async update(server, patch, node = '') {
      try {
        return update.immediate(server, patch, node);
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        throw new McpctlError('NOT_FOUND', `no server named '${server}'`, {
          hint: "list the servers with 'mcpctl ls', or add it with 'mcpctl server add'",
          cause: error,
        });
      }
    },
  };
}
