import type { Database } from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

/**
 * Schema steps, in order: step i brings `user_version` from i to i+1. Never edit a
 * released step (databases in the field already ran it); append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE servers (
    name TEXT PRIMARY KEY,
    transport TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE instances (
    server TEXT PRIMARY KEY REFERENCES servers(name) ON DELETE CASCADE,
    desired TEXT NOT NULL DEFAULT 'stopped',
    state TEXT NOT NULL DEFAULT 'stopped',
    pid INTEGER,
    pid_start_time TEXT,
    restarts INTEGER NOT NULL DEFAULT 0,
    last_exit_code INTEGER,
    last_exit_signal TEXT,
    last_error TEXT,
    started_at TEXT,
    next_restart_at TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    server TEXT REFERENCES servers(name) ON DELETE CASCADE,
    type TEXT NOT NULL,
    message TEXT NOT NULL,
    data TEXT
  );
  CREATE INDEX events_server_id ON events(server, id);
  `,
  // No foreign key to servers: a session's history outlives the server's definition.
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    server TEXT NOT NULL,
    transport TEXT NOT NULL,
    client_name TEXT,
    client_version TEXT,
    protocol_version TEXT,
    started_at TEXT NOT NULL,
    last_activity TEXT NOT NULL,
    closed_at TEXT,
    close_reason TEXT,
    requests INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX sessions_started_at ON sessions(started_at);
  `,
  // Profiles keep no foreign key to servers (their members live in the JSON spec; core keeps
  // them defined). The current profile is one row that goes with its profile when it is removed.
  `
  CREATE TABLE profiles (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE current_profile (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL REFERENCES profiles(name) ON DELETE CASCADE
  );
  `,
  // Alert rules added with `mcpctl alert add` (config-file rules are not stored). The events index
  // serves `events --type` and the alert engine's start-up read of the last fired/resolved events.
  // IF NOT EXISTS: a file rolled back to an earlier version (a test does) may still hold them.
  `
  CREATE TABLE IF NOT EXISTS alerts (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS events_type_id ON events(type, id);
  `,
  // Secrets: AES-256-GCM ciphertext (tag appended) under the master key whose id is key_id, so a
  // wrong master key is told apart from a damaged row before anything decrypts or writes.
  `
  CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    ciphertext BLOB NOT NULL,
    nonce BLOB NOT NULL,
    key_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // The audit log: who did what, never with argument values. No foreign keys: a row outlives
  // the server, session and token it names. Bounded by age and count (auditRepository.ts).
  `
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    principal TEXT NOT NULL,
    principal_kind TEXT NOT NULL,
    role TEXT NOT NULL,
    address TEXT NOT NULL,
    method TEXT NOT NULL,
    server TEXT,
    tool TEXT,
    session TEXT,
    outcome TEXT NOT NULL,
    error TEXT,
    duration_ms REAL NOT NULL
  );
  CREATE INDEX audit_time ON audit(time);
  `,
  // API tokens: only the SHA-256 of each token is kept; a revoked token's row is deleted.
  `
  CREATE TABLE IF NOT EXISTS tokens (
    name TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    scope TEXT,
    read_only INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT
  );
  `,
  // Since when a server has been down while it should run, kept across daemon restarts (alerts' `down for`).
  `
  ALTER TABLE instances ADD COLUMN down_since TEXT;
  `,
  // Cluster: one row per daemon (its heartbeat), one per leased resource. Times are the database's
  // clock in ISO-8601 with milliseconds (strftime('%Y-%m-%dT%H:%M:%fZ')), so text order is time order.
  `
  CREATE TABLE IF NOT EXISTS nodes (
    name TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    load TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_heartbeat_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS leases (
    resource TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    fence INTEGER NOT NULL,
    expires_at TEXT NOT NULL
  );
  `,
  // Sessions across nodes: where each node's TLS listener is (its URL and certificate's SHA-256), and
  // which node owns each gateway session (null: recorded before there were nodes).
  `
  ALTER TABLE nodes ADD COLUMN url TEXT;
  ALTER TABLE nodes ADD COLUMN fingerprint TEXT;
  ALTER TABLE sessions ADD COLUMN node TEXT;
  `,
  // Cluster placement: one instance row per server and node, so two daemons never overwrite each
  // other's. SQLite cannot change a primary key in place: the table is rebuilt, old rows as node ''.
  `
  CREATE TABLE instances_by_node (
    server TEXT NOT NULL REFERENCES servers(name) ON DELETE CASCADE,
    node TEXT NOT NULL DEFAULT '',
    desired TEXT NOT NULL DEFAULT 'stopped',
    state TEXT NOT NULL DEFAULT 'stopped',
    pid INTEGER,
    pid_start_time TEXT,
    restarts INTEGER NOT NULL DEFAULT 0,
    last_exit_code INTEGER,
    last_exit_signal TEXT,
    last_error TEXT,
    started_at TEXT,
    next_restart_at TEXT,
    updated_at TEXT NOT NULL,
    down_since TEXT,
    PRIMARY KEY (server, node)
  );
  INSERT INTO instances_by_node (server, node, desired, state, pid, pid_start_time, restarts, last_exit_code,
    last_exit_signal, last_error, started_at, next_restart_at, updated_at, down_since)
  SELECT server, '', desired, state, pid, pid_start_time, restarts, last_exit_code,
    last_exit_signal, last_error, started_at, next_restart_at, updated_at, down_since FROM instances;
  DROP TABLE instances;
  ALTER TABLE instances_by_node RENAME TO instances;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function userVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema to SCHEMA_VERSION, one transaction per step. IMMEDIATE takes
 * the write lock before reading the version, so two daemons opening the same file
 * at once cannot both apply a step.
 */
export function migrate(db: Database, path: string, logger: Logger): void {
  const step = db.transaction((): boolean => {
    const version = userVersion(db);
    if (version > SCHEMA_VERSION) {
      throw new McpctlError(
        'CONFIG_INVALID',
        `the database ${path} has schema version ${version}, newer than this mcpctl knows (${SCHEMA_VERSION})`,
        { hint: 'upgrade mcpctl to the version that last wrote this database, or point MCPCTL_HOME elsewhere' },
      );
    }
    const sql = MIGRATIONS[version];
    if (sql === undefined) return false;
    db.exec(sql);
    // PRAGMA takes no bound parameters; `version` is a number we computed.
    db.pragma(`user_version = ${version + 1}`);
    logger.info({ path, version: version + 1 }, 'migrated the store schema');
    return true;
  });
  while (step.immediate()) {
    // each call applies one step in its own transaction
  }
}
