import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { McpctlError } from '../../../src/shared/errors.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { openDatabase } from '../../../src/store/database.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/migrations.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import { useTempDir } from './tempDir.js';

function userVersion(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('openSqliteStore', () => {
  const tempDir = useTempDir();

  it('creates a missing folder 0700 and the database file 0600', async () => {
    const dir = join(tempDir(), 'state', 'mcpctl');
    const path = join(dir, 'mcpctl.db');
    const store = openSqliteStore({ path, logger: silentLogger });
    await store.events.append({ server: null, type: 't', message: 'm' });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // SQLite gives its WAL the database file's permissions.
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    store.close();
  });

  it('migrates a new database to the current schema version', () => {
    const path = join(tempDir(), 'mcpctl.db');
    openSqliteStore({ path, logger: silentLogger }).close();
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
    expect(userVersion(path)).toBe(SCHEMA_VERSION);
    const db = new Database(path, { readonly: true });
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') ORDER BY name")
      .pluck()
      .all();
    db.close();
    expect(tables).toEqual(
      expect.arrayContaining(['events', 'events_server_id', 'instances', 'servers', 'sessions', 'sessions_started_at']),
    );
  });

  it('refuses a database from a newer mcpctl with CONFIG_INVALID, and leaves it alone', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const store = openSqliteStore({ path, logger: silentLogger });
    await store.servers.insert({ name: 'memory', transport: 'stdio', spec: {} });
    store.close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();

    let error: unknown;
    try {
      openSqliteStore({ path, logger: silentLogger });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(McpctlError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', hint: expect.stringContaining('upgrade mcpctl') });
    expect((error as Error).message).toContain(path);
    expect(userVersion(path)).toBe(SCHEMA_VERSION + 1);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT name FROM servers').pluck().all()).toEqual(['memory']);
    check.close();
  });
  it('adds its tables to a database of the previous schema without touching its servers', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    // A file as the release before profiles left it: the first two steps only, and one server.
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 2)) raw.exec(step);
    raw
      .prepare('INSERT INTO servers (name, transport, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run('fs', 'stdio', JSON.stringify({ command: 'node' }), '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
    raw.pragma('user_version = 2');
    raw.close();

    const store = openSqliteStore({ path, logger: silentLogger });
    expect((await store.servers.list()).map((s) => s.name)).toEqual(['fs']);
    await store.profiles.insert({ name: 'p', spec: { name: 'p' } });
    expect((await store.profiles.list()).map((p) => p.name)).toEqual(['p']);
    store.close();
  });

  it("keeps a database's instance rows as node '' when instances become per node", async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const perNode = MIGRATIONS.findIndex((step) => step.includes('instances_by_node'));
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, perNode)) raw.exec(step);
    const now = '2025-01-01T00:00:00.000Z';
    raw
      .prepare('INSERT INTO servers (name, transport, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run('fs', 'stdio', '{}', now, now);
    raw
      .prepare(
        "INSERT INTO instances (server, desired, state, restarts, down_since, updated_at) VALUES ('fs', 'running', 'failed', 3, ?, ?)",
      )
      .run(now, now);
    raw.pragma(`user_version = ${perNode}`);
    raw.close();

    const store = openSqliteStore({ path, logger: silentLogger });
    expect(await store.instances.list()).toEqual([
      expect.objectContaining({
        server: 'fs',
        node: '',
        desired: 'running',
        state: 'failed',
        restarts: 3,
        downSince: now,
      }),
    ]);
    // And the cascade still holds: the rows go with their server.
    await store.instances.update('fs', { restarts: 4 }, 'node-a');
    await store.servers.remove('fs');
    expect(await store.instances.list()).toEqual([]);
    store.close();
  });
});

describe('openDatabase', () => {
  const tempDir = useTempDir();

  it('puts the connection in WAL, synchronous FULL, foreign keys on, 5 s busy timeout', () => {
    const db = openDatabase(join(tempDir(), 'mcpctl.db'), silentLogger);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 = FULL
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });
});
