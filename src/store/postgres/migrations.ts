import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { CHANGES_CHANNEL } from './changeChannel.js';
import type { PostgresLocation } from './location.js';
import type { Pool } from './pool.js';
import { type MigratingNode, refuseOlderLiveNodes } from './versionGuard.js';

/**
 * Schema steps of the PostgreSQL store, in order: step i brings the version from i to i+1. The
 * same logical schema as SQLite's (src/store/migrations.ts), with PostgreSQL's types: `json` for
 * definitions (kept as written, key order included, unlike jsonb), bytea for secrets, identity
 * ids. Times stay ISO 8601 text, as the port exchanges them: read back byte for byte, ordered as
 * SQLite orders them. Text columns use the "C" collation: names sort by code point as in SQLite,
 * whatever the database's locale. Never edit a released step; append one (a table added to the
 * SQLite schema gets its step here too).
 */
const T = 'text COLLATE "C"';

export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE servers (
    name ${T} PRIMARY KEY,
    transport ${T} NOT NULL,
    spec json NOT NULL,
    created_at ${T} NOT NULL,
    updated_at ${T} NOT NULL
  );
  CREATE TABLE instances (
    server ${T} PRIMARY KEY REFERENCES servers(name) ON DELETE CASCADE,
    desired ${T} NOT NULL DEFAULT 'stopped',
    state ${T} NOT NULL DEFAULT 'stopped',
    pid integer,
    pid_start_time ${T},
    restarts integer NOT NULL DEFAULT 0,
    last_exit_code integer,
    last_exit_signal ${T},
    last_error ${T},
    started_at ${T},
    next_restart_at ${T},
    updated_at ${T} NOT NULL
  );
  CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time ${T} NOT NULL,
    server ${T} REFERENCES servers(name) ON DELETE CASCADE,
    type ${T} NOT NULL,
    message ${T} NOT NULL,
    data json
  );
  CREATE INDEX events_server_id ON events(server, id);
  CREATE INDEX events_type_id ON events(type, id);
  -- seq: the insertion order SQLite's rowid gives (retention trims by it).
  CREATE TABLE sessions (
    id ${T} PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    server ${T} NOT NULL,
    transport ${T} NOT NULL,
    client_name ${T},
    client_version ${T},
    protocol_version ${T},
    started_at ${T} NOT NULL,
    last_activity ${T} NOT NULL,
    closed_at ${T},
    close_reason ${T},
    requests integer NOT NULL DEFAULT 0,
    errors integer NOT NULL DEFAULT 0
  );
  CREATE INDEX sessions_started_at ON sessions(started_at);
  CREATE TABLE profiles (
    name ${T} PRIMARY KEY,
    spec json NOT NULL,
    created_at ${T} NOT NULL,
    updated_at ${T} NOT NULL
  );
  CREATE TABLE current_profile (
    id integer PRIMARY KEY CHECK (id = 1),
    name ${T} NOT NULL REFERENCES profiles(name) ON DELETE CASCADE
  );
  CREATE TABLE alerts (
    name ${T} PRIMARY KEY,
    spec json NOT NULL,
    created_at ${T} NOT NULL
  );
  CREATE TABLE secrets (
    name ${T} PRIMARY KEY,
    ciphertext bytea NOT NULL,
    nonce bytea NOT NULL,
    key_id ${T} NOT NULL,
    created_at ${T} NOT NULL,
    updated_at ${T} NOT NULL
  );
  CREATE TABLE audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time ${T} NOT NULL,
    principal ${T} NOT NULL,
    principal_kind ${T} NOT NULL,
    role ${T} NOT NULL,
    address ${T} NOT NULL,
    method ${T} NOT NULL,
    server ${T},
    tool ${T},
    session ${T},
    outcome ${T} NOT NULL,
    error ${T},
    duration_ms double precision NOT NULL
  );
  CREATE INDEX audit_time ON audit(time);
  CREATE TABLE tokens (
    name ${T} PRIMARY KEY,
    hash ${T} NOT NULL UNIQUE,
    role ${T} NOT NULL,
    scope json,
    read_only boolean NOT NULL DEFAULT false,
    created_at ${T} NOT NULL,
    expires_at ${T},
    last_used_at ${T}
  );
  `,
  // When an instance stopped running while it should run: "down since" survives a daemon restart.
  `ALTER TABLE instances ADD COLUMN down_since ${T};`,
  // Cluster: one row per daemon (its heartbeat), one per leased resource; times from the database's clock.
  `
  CREATE TABLE nodes (
    name ${T} PRIMARY KEY,
    version ${T} NOT NULL,
    load json NOT NULL,
    first_seen_at ${T} NOT NULL,
    last_heartbeat_at ${T} NOT NULL
  );
  CREATE TABLE leases (
    resource ${T} PRIMARY KEY,
    holder ${T} NOT NULL,
    fence integer NOT NULL,
    expires_at ${T} NOT NULL
  );
  `,
  // The change feed (changeFeed.ts): every write of what nodes hold in memory NOTIFYs in its own
  // transaction, so a change is announced exactly when it commits, whichever code path wrote it.
  // The writer's node comes from its connection's mcpctl.node setting (pool.ts). Payloads carry
  // names only. A token's 'last used' is not a change; TRUNCATE says 'reload' for the whole kind.
  `
  CREATE OR REPLACE FUNCTION mcpctl_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    changed text := '';
    op text := 'reload';
  BEGIN
    IF TG_LEVEL = 'ROW' THEN
      IF TG_OP = 'DELETE' THEN changed := OLD.name; op := 'delete'; ELSE changed := NEW.name; op := 'upsert'; END IF;
    END IF;
    PERFORM pg_notify('${CHANGES_CHANNEL}', json_build_object('kind', TG_ARGV[0], 'name', changed, 'op', op,
      'node', coalesce(current_setting('mcpctl.node', true), ''))::text);
    RETURN NULL;
  END $$;
  CREATE TRIGGER servers_changed AFTER INSERT OR UPDATE OR DELETE ON servers
    FOR EACH ROW EXECUTE FUNCTION mcpctl_notify_change('server');
  CREATE TRIGGER profiles_changed AFTER INSERT OR UPDATE OR DELETE ON profiles
    FOR EACH ROW EXECUTE FUNCTION mcpctl_notify_change('profile');
  CREATE TRIGGER current_profile_changed AFTER INSERT OR UPDATE OR DELETE ON current_profile
    FOR EACH ROW EXECUTE FUNCTION mcpctl_notify_change('current-profile');
  CREATE TRIGGER tokens_changed AFTER INSERT OR DELETE OR UPDATE OF hash, role, scope, read_only, expires_at ON tokens
    FOR EACH ROW EXECUTE FUNCTION mcpctl_notify_change('token');
  CREATE TRIGGER secrets_changed AFTER INSERT OR UPDATE OR DELETE ON secrets
    FOR EACH ROW EXECUTE FUNCTION mcpctl_notify_change('secret');
  CREATE TRIGGER alerts_changed AFTER INSERT OR UPDATE OR DELETE ON alerts
    FOR EACH ROW EXECUTE FUNCTION mcpctl_notify_change('alert');
  CREATE TRIGGER servers_truncated AFTER TRUNCATE ON servers FOR EACH STATEMENT EXECUTE FUNCTION mcpctl_notify_change('server');
  CREATE TRIGGER profiles_truncated AFTER TRUNCATE ON profiles FOR EACH STATEMENT EXECUTE FUNCTION mcpctl_notify_change('profile');
  CREATE TRIGGER current_profile_truncated AFTER TRUNCATE ON current_profile
    FOR EACH STATEMENT EXECUTE FUNCTION mcpctl_notify_change('current-profile');
  CREATE TRIGGER tokens_truncated AFTER TRUNCATE ON tokens FOR EACH STATEMENT EXECUTE FUNCTION mcpctl_notify_change('token');
  CREATE TRIGGER secrets_truncated AFTER TRUNCATE ON secrets FOR EACH STATEMENT EXECUTE FUNCTION mcpctl_notify_change('secret');
  CREATE TRIGGER alerts_truncated AFTER TRUNCATE ON alerts FOR EACH STATEMENT EXECUTE FUNCTION mcpctl_notify_change('alert');
  `,
  // Sessions across nodes: each node's TLS listener (URL, certificate SHA-256), each session's owner node.
  `
  ALTER TABLE nodes ADD COLUMN url ${T};
  ALTER TABLE nodes ADD COLUMN fingerprint ${T};
  ALTER TABLE sessions ADD COLUMN node ${T};
  `,
  // Cluster placement: one instance row per server and node (old rows become node '').
  `
  ALTER TABLE instances ADD COLUMN node ${T} NOT NULL DEFAULT '';
  ALTER TABLE instances DROP CONSTRAINT instances_pkey;
  ALTER TABLE instances ADD PRIMARY KEY (server, node);
  `,
];

export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.length;

/** An arbitrary key, mcpctl's own: the advisory lock migrations (and a restore) run under. */
export const MIGRATION_LOCK = 0x6d63_7063;

/**
 * Brings the schema to POSTGRES_SCHEMA_VERSION, one transaction per step, under an advisory lock:
 * two daemons starting on one database at once apply each step once, the second waiting. With
 * `self`, a store that needs migrating is left as it is while an older node runs on it.
 */
export async function migratePostgres(
  pool: Pool,
  location: PostgresLocation,
  logger: Logger,
  self?: MigratingNode,
): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new McpctlError(
        'CONFIG_INVALID',
        `the store postgres ${location.target} has schema version ${current}, newer than this mcpctl knows (${POSTGRES_SCHEMA_VERSION})`,
        { hint: 'upgrade mcpctl to the version that last wrote this database, or point store.url elsewhere' },
      );
    }
    if (self !== undefined && current < POSTGRES_SCHEMA_VERSION) {
      await refuseOlderLiveNodes(client, self, location, { from: current, to: POSTGRES_SCHEMA_VERSION });
    }
    for (let version = current; version < POSTGRES_SCHEMA_VERSION; version++) {
      await client.query('BEGIN');
      try {
        await client.query(POSTGRES_MIGRATIONS[version] as string);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          version + 1,
          new Date().toISOString(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      logger.info({ store: location.target, version: version + 1 }, 'migrated the store schema');
    }
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // Releasing with an error closes the connection, which drops its advisory lock with it.
    if (broken === undefined)
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release(broken);
  }
}
