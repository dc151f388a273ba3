import type { StoredAuditEntry, StoredInstance, StoredSecret, StoredSession } from './types.js';

/**
 * The tables' rows as both backends read them (snake_case columns, the same types) and how each
 * becomes what the port returns: one definition, so the backends cannot drift apart.
 */
export interface InstanceRow {
  server: string;
  node: string;
  desired: string;
  state: string;
  pid: number | null;
  pid_start_time: string | null;
  restarts: number;
  last_exit_code: number | null;
  last_exit_signal: string | null;
  last_error: string | null;
  started_at: string | null;
  next_restart_at: string | null;
  down_since: string | null;
  updated_at: string;
}

export function toInstance(row: InstanceRow): StoredInstance {
  return {
    server: row.server,
    node: row.node,
    desired: row.desired,
    state: row.state,
    pid: row.pid,
    pidStartTime: row.pid_start_time,
    restarts: row.restarts,
    lastExitCode: row.last_exit_code,
    lastExitSignal: row.last_exit_signal,
    lastError: row.last_error,
    startedAt: row.started_at,
    nextRestartAt: row.next_restart_at,
    downSince: row.down_since,
    updatedAt: row.updated_at,
  };
}

export interface SessionRow {
  id: string;
  server: string;
  transport: string;
  client_name: string | null;
  client_version: string | null;
  protocol_version: string | null;
  started_at: string;
  last_activity: string;
  closed_at: string | null;
  close_reason: string | null;
  requests: number;
  errors: number;
  node: string | null;
}

export function toSession(row: SessionRow): StoredSession {
  return {
    id: row.id,
    server: row.server,
    transport: row.transport,
    clientName: row.client_name,
    clientVersion: row.client_version,
    protocolVersion: row.protocol_version,
    startedAt: row.started_at,
    lastActivity: row.last_activity,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
    requests: row.requests,
    errors: row.errors,
    node: row.node,
  };
}

export interface AuditRow {
  /** A bigint: PostgreSQL's driver gives it as a string. */
  id: number | string;
  time: string;
  principal: string;
  principal_kind: string;
  role: string;
  address: string;
  method: string;
  server: string | null;
  tool: string | null;
  session: string | null;
  outcome: string;
  error: string | null;
  duration_ms: number;
}

export function toEntry(row: AuditRow): StoredAuditEntry {
  return {
    id: Number(row.id),
    time: row.time,
    principal: row.principal,
    principalKind: row.principal_kind,
    role: row.role,
    address: row.address,
    method: row.method,
    server: row.server,
    tool: row.tool,
    session: row.session,
    outcome: row.outcome,
    error: row.error,
    durationMs: row.duration_ms,
  };
}

export interface SecretRow {
  name: string;
  ciphertext: Buffer;
  nonce: Buffer;
  key_id: string;
  created_at: string;
  updated_at: string;
}

export function toSecret(row: SecretRow): StoredSecret {
  return {
    name: row.name,
    ciphertext: row.ciphertext,
    nonce: row.nonce,
    keyId: row.key_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
