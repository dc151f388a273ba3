import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpctlError } from '../../src/shared/errors.js';
import { silentLogger } from '../../src/shared/logger.js';
import { readLogicalBackup } from '../../src/store/logicalBackup.js';
import { POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres/migrations.js';
import { restorePostgres, snapshotPostgresUrl } from '../../src/store/postgres/postgresBackup.js';
import { openPostgresStore } from '../../src/store/postgres/postgresStore.js';
import { POSTGRES_TABLES } from '../../src/store/postgres/tables.js';
import type { Store } from '../../src/store/types.js';
import { usePostgres } from '../helpers/postgres.js';

/**
 * The PostgreSQL store's logical backup against a real PostgreSQL: every table exported in one
 * snapshot and restored in one transaction, row for row (json as written, bytea, identity ids);
 * a concurrent writer never tears the export; a failing restore changes nothing.
 */
const cluster = usePostgres();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpctl-pgbackup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const META = { createdAt: '2026-01-01T00:00:00.000Z', mcpctlVersion: 'test', source: 'here' };
let files = 0;
const newFile = () => join(dir, `backup-${++files}.jsonl`);

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Every table's rows as the database serializes them, sorted: what a restore must give back. */
function dump(url: string): Promise<Record<string, string[]>> {
  return withClient(url, async (client) => {
    const tables: Record<string, string[]> = {};
    for (const table of POSTGRES_TABLES) {
      const { rows } = await client.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM ${table} t`);
      tables[table] = rows.map((row) => row.r).sort();
    }
    return tables;
  });
}

async function fill(store: Store): Promise<void> {
  // Key order and spacing of a definition are kept as written (json, not jsonb).
  await store.servers.insert({ name: 'b-srv', transport: 'stdio', spec: { z: 1, a: { y: [1, 2], b: null } } });
  await store.servers.insert({ name: 'a-srv', transport: 'http', spec: { url: 'http://x' } });
  await store.instances.update('a-srv', { state: 'running', pid: 42, restarts: 3 });
  await store.events.appendMany([
    { time: META.createdAt, server: 'a-srv', type: 'started', message: 'one', data: { n: 1 } },
    { time: META.createdAt, server: null, type: 'note', message: 'two', data: null },
  ]);
  await store.sessions.recordOpened({
    id: 's1',
    node: 'n1',
    server: 'a-srv',
    transport: 'streamable-http',
    clientName: 'c',
    clientVersion: '1',
    protocolVersion: '2025-11-25',
    startedAt: META.createdAt,
    lastActivity: META.createdAt,
    requests: 2,
    errors: 0,
  });
  await store.profiles.insert({ name: 'p1', spec: { members: [{ server: 'a-srv' }] } });
  await store.profiles.setCurrent('p1');
  await store.alerts.insert({ name: 'al', spec: { when: 'down' } });
  await store.secrets.put('CANARY', {
    ciphertext: Buffer.from([0, 1, 2, 255]),
    nonce: Buffer.from('nonce'),
    keyId: 'k1',
  });
  await store.audit.append([
    {
      time: META.createdAt,
      principal: 'owner',
      principalKind: 'owner',
      role: 'admin',
      address: 'local',
      method: 'listServers',
      server: null,
      tool: null,
      session: null,
      outcome: 'ok',
      error: null,
      durationMs: 1.5,
    },
  ]);
  await store.tokens.insert({
    name: 'viewer1',
    hash: 'h'.repeat(64),
    role: 'viewer',
    scope: null,
    readOnly: true,
    expiresAt: null,
  });
  await store.nodes.heartbeat({ name: 'n1', version: 'test', load: { serversRunning: 1 } });
  await store.leases.acquire('server/a-srv/0', 'n1', 60_000);
}

const restoreOptions = (url: string, file: string) => ({
  url,
  backup: readLogicalBackup(file),
  file,
  previous: newFile(),
  meta: META,
  liveTtlMs: 15_000,
  self: 'n1',
  logger: silentLogger,
});

describe('the PostgreSQL logical backup', () => {
  it('knows every table the migrations make', async () => {
    const { url } = await cluster().createDatabase();
    await (await openPostgresStore({ url, logger: silentLogger })).close();
    const tables = await withClient(url, async (client) => {
      const { rows } = await client.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
      );
      return rows.map((row) => row.name).sort();
    });
    expect([...POSTGRES_TABLES].sort()).toEqual(tables);
  });

  it('exports every row in one file (0600, secrets as ciphertext) and a wiped database gets them back exactly', async () => {
    const { url } = await cluster().createDatabase();
    const store = await openPostgresStore({ url, logger: silentLogger });
    await fill(store);
    const before = await dump(url);
    const file = newFile();
    await store.backup?.snapshot(file, META);
    await store.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const backup = readLogicalBackup(file);
    expect(backup).toMatchObject({ backend: 'postgres', schemaVersion: POSTGRES_SCHEMA_VERSION, meta: META });
    expect(backup.rows.get('secrets')).toEqual([
      expect.objectContaining({ name: 'CANARY', ciphertext: '\\x000102ff' }),
    ]);
    expect(readFileSync(file, 'utf8')).toContain('{"z":1,"a":{"y":[1,2],"b":null}}');

    await withClient(url, (client) => client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public'));
    const result = await restorePostgres(restoreOptions(url, file));
    expect(result).toEqual({ previous: null, schemaFrom: POSTGRES_SCHEMA_VERSION, schemaTo: POSTGRES_SCHEMA_VERSION });
    expect(await dump(url)).toEqual(before);

    // Identity ids continue after the restored ones; the restored store opens and works.
    const reopened = await openPostgresStore({ url, logger: silentLogger });
    const next = await reopened.events.append({ time: META.createdAt, server: null, type: 'note', message: 'three' });
    expect(next.id).toBe(3);
    expect((await reopened.servers.get('b-srv'))?.spec).toEqual({ z: 1, a: { y: [1, 2], b: null } });
    await reopened.close();
  });

  it('replaces a live store whole, keeping the one it replaced as a backup', async () => {
    const { url } = await cluster().createDatabase();
    const store = await openPostgresStore({ url, logger: silentLogger });
    await fill(store);
    const file = newFile();
    await store.backup?.snapshot(file, META);
    const backedUp = await dump(url);
    await store.servers.insert({ name: 'later', transport: 'stdio', spec: {} });
    await store.close();
    const options = restoreOptions(url, file);
    const result = await restorePostgres(options);
    expect(result.previous).toBe(options.previous);
    expect(await dump(url)).toEqual(backedUp);
    const kept = readLogicalBackup(options.previous);
    expect(kept.rows.get('servers')?.map((row) => row.name)).toContain('later');
  });

  it('a failure halfway (a row the table refuses) rolls everything back: the store is as it was', async () => {
    const { url } = await cluster().createDatabase();
    const store = await openPostgresStore({ url, logger: silentLogger });
    await fill(store);
    const file = newFile();
    await store.backup?.snapshot(file, META);
    await store.servers.insert({ name: 'later', transport: 'stdio', spec: {} });
    await store.close();
    const before = await dump(url);
    const options = restoreOptions(url, file);
    // The second server row made invalid (a NOT NULL column): the servers before it were inserted already.
    const servers = options.backup.rows.get('servers') ?? [];
    servers.push({ ...servers[0], name: 'broken', transport: null });
    await expect(restorePostgres(options)).rejects.toThrow(McpctlError);
    expect(await dump(url)).toEqual(before);
  });

  it('is refused while another node beats on the store, changing nothing', async () => {
    const { url } = await cluster().createDatabase();
    const store = await openPostgresStore({ url, logger: silentLogger });
    await fill(store);
    const file = newFile();
    await store.backup?.snapshot(file, META);
    await store.nodes.heartbeat({ name: 'other-host', version: 'test', load: {} });
    await store.close();
    const before = await dump(url);
    await expect(restorePostgres(restoreOptions(url, file))).rejects.toMatchObject({
      code: 'DAEMON_RUNNING',
      message: expect.stringContaining("node 'other-host' still runs on the store"),
    });
    expect(await dump(url)).toEqual(before);
  });

  it('a writer committing pairs of rows during the export never leaves half a pair in it', async () => {
    const { url } = await cluster().createDatabase();
    const store = await openPostgresStore({ url, logger: silentLogger });
    await store.close();
    // Many rows make each table's read take a while: a commit between two reads would show.
    await withClient(url, (client) =>
      client.query(
        `INSERT INTO servers (name, transport, spec, created_at, updated_at)
         SELECT 'seed-' || i, 'stdio', '{"pad":"${'x'.repeat(200)}"}', 'now', 'now' FROM generate_series(1, 5000) AS i;
         INSERT INTO events (time, server, type, message) SELECT 'now', 'seed-' || i, 'seeded', 'pair' FROM generate_series(1, 5000) AS i`,
      ),
    );
    let writing = true;
    let written = 0;
    const writer = withClient(url, async (client) => {
      while (writing) {
        const name = `pair-${written++}`;
        await client.query(
          `BEGIN;
           INSERT INTO servers (name, transport, spec, created_at, updated_at) VALUES ('${name}', 'stdio', '{}', 'now', 'now');
           INSERT INTO events (time, server, type, message) VALUES ('now', '${name}', 'paired', 'pair');
           COMMIT`,
        );
      }
    });
    try {
      for (let round = 0; round < 5; round++) {
        const file = newFile();
        await snapshotPostgresUrl(url, file, META, silentLogger);
        const backup = readLogicalBackup(file);
        const servers = new Set(backup.rows.get('servers')?.map((row) => row.name));
        const events = new Set(backup.rows.get('events')?.map((row) => row.server));
        expect([...servers].filter((name) => !events.has(name))).toEqual([]);
        expect([...events].filter((name) => !servers.has(name))).toEqual([]);
      }
    } finally {
      writing = false;
      await writer;
    }
    expect(written).toBeGreaterThan(5);
  });

  it('tells a truncated or altered file (damaged) from one that is not a backup', () => {
    const file = newFile();
    writeFileSync(
      file,
      `{"mcpctlBackup":"logical","formatVersion":1,"backend":"postgres","schemaVersion":1,"meta":${JSON.stringify(META)},"tables":["servers"]}\n`,
    );
    expect(() => readLogicalBackup(file)).toThrow(/is damaged: truncated/);
    const other = newFile();
    writeFileSync(other, '{"some":"json"}\n');
    expect(() => readLogicalBackup(other)).toThrow(/is not an mcpctl backup/);
  });
});
