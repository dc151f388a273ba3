import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { inspectBackup } from '../../../../src/core/backup/backupFormat.js';
import { backupWithoutDaemon, restoreBackup } from '../../../../src/core/backup/localBackup.js';
import { writeBackup } from '../../../../src/core/backup/writeBackup.js';
import { McpctlError } from '../../../../src/shared/errors.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { resolvePaths } from '../../../../src/shared/paths.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../../src/store/migrations.js';
import { snapshotSqlite } from '../../../../src/store/sqliteBackup.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';
import { useTempDir } from '../../store/tempDir.js';

const tempDir = useTempDir();
const META = { createdAt: '2026-12-01T18:00:00.000Z', mcpctlVersion: '0.1.0-test', source: 'test' };

function home() {
  const dir = tempDir();
  return { dir, paths: resolvePaths({ MCPCTL_HOME: dir }) };
}

/** A store file with the servers named, one profile, and 50 events; closed (its WAL merged). */
async function makeStore(path: string, servers: string[]): Promise<void> {
  const store = openSqliteStore({ path, logger: silentLogger });
  for (const name of servers) await store.servers.insert({ name, transport: 'stdio', spec: { command: 'node' } });
  await store.profiles.insert({ name: 'p1', spec: { members: [] } });
  for (let i = 0; i < 50; i++)
    await store.events.append({ server: null, type: 't', message: `e${i} ${'x'.repeat(200)}` });
  store.close();
}

function serverNames(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT name FROM servers ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name);
  } finally {
    db.close();
  }
}

async function failure(work: () => unknown): Promise<McpctlError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof McpctlError) return error;
    throw error;
  }
  throw new Error('expected it to fail');
}

function overwrite(path: string, offset: number, length: number): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  closeSync(fd);
}

describe('backup create', () => {
  it('snapshots an open store into a private, self-contained file and says what it holds', async () => {
    const { dir, paths } = home();
    await makeStore(paths.database, ['one', 'two']);
    const store = openSqliteStore({ path: paths.database, logger: silentLogger });
    try {
      await store.servers.insert({ name: 'three', transport: 'stdio', spec: { command: 'node' } });
      const file = join(dir, 'b.db');
      const info = await writeBackup({ source: store.backup, file, force: false, meta: META });
      expect(info).toMatchObject({
        file,
        format: 'sqlite',
        schemaVersion: SCHEMA_VERSION,
        createdAt: META.createdAt,
        mcpctlVersion: META.mcpctlVersion,
        masterKeyIncluded: false,
        counts: { servers: 3, profiles: 1, tokens: 0, secrets: 0, events: 50 },
        bytes: statSync(file).size,
      });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir).filter((name) => name.includes('b.db'))).toEqual(['b.db']);
      expect(serverNames(file)).toEqual(['one', 'three', 'two']);

      const again = await failure(() => writeBackup({ source: store.backup, file, force: false, meta: META }));
      expect(again).toMatchObject({ code: 'ALREADY_EXISTS', message: `${file} already exists` });
      expect(again.hint).toContain('--force');
      await store.servers.remove('one');
      await writeBackup({ source: store.backup, file, force: true, meta: META });
      expect(serverNames(file)).toEqual(['three', 'two']);
    } finally {
      store.close();
    }
  });

  it('with no daemon, reads the store file itself; no store is NOT_FOUND; a missing folder too', async () => {
    const { dir, paths } = home();
    const file = join(dir, 'b.db');
    expect(
      await failure(() => backupWithoutDaemon({ paths, env: {}, file, force: false, version: 'v' })),
    ).toMatchObject({
      code: 'NOT_FOUND',
      message: `there is no store at ${paths.database} to back up`,
    });
    await makeStore(paths.database, ['one']);
    const info = await backupWithoutDaemon({ paths, env: {}, file, force: false, version: 'v' });
    expect(info).toMatchObject({ madeBy: 'cli', mcpctlVersion: 'v', source: paths.database, counts: { servers: 1 } });
    // The lock it held is released.
    expect(existsSync(paths.pidFile)).toBe(false);
    const nowhere = join(dir, 'missing', 'b.db');
    expect(
      await failure(() => backupWithoutDaemon({ paths, env: {}, file: nowhere, force: false, version: 'v' })),
    ).toMatchObject({ code: 'NOT_FOUND', message: `the folder ${join(dir, 'missing')} does not exist` });
  });
});

describe('backup validation', () => {
  async function aBackup(): Promise<{ dir: string; file: string }> {
    const { dir, paths } = home();
    await makeStore(paths.database, ['one']);
    const file = join(dir, 'b.db');
    await backupWithoutDaemon({ paths, env: {}, file, force: false, version: 'v' });
    return { dir, file };
  }

  it('refuses a missing file, a non-database, a plain store, a truncated or damaged file, a newer schema', async () => {
    const { dir, file } = await aBackup();
    expect(inspectBackup(file).info.counts.servers).toBe(1);

    expect(await failure(() => inspectBackup(join(dir, 'nope.db')))).toMatchObject({ code: 'NOT_FOUND' });
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello\n');
    expect(await failure(() => inspectBackup(text))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: `${text} is not an mcpctl backup: not in a format this mcpctl knows`,
    });
    expect(await failure(() => inspectBackup(join(dir, 'mcpctl.db')))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('without the mark of an mcpctl backup'),
    });

    const truncated = join(dir, 'truncated.db');
    copyFileSync(file, truncated);
    truncateSync(truncated, Math.floor(statSync(file).size / 2));
    expect(await failure(() => inspectBackup(truncated))).toMatchObject({
      code: 'STORE_CORRUPT',
      message: expect.stringMatching(/^the backup .* is damaged: truncated: \d+ bytes of the \d+ its header promises$/),
    });

    const garbled = join(dir, 'garbled.db');
    copyFileSync(file, garbled);
    overwrite(garbled, 4096, 4096);
    expect(await failure(() => inspectBackup(garbled))).toMatchObject({ code: 'STORE_CORRUPT' });

    const newer = join(dir, 'newer.db');
    copyFileSync(file, newer);
    const db = new Database(newer);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(await failure(() => inspectBackup(newer))).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `the backup ${newer} has schema version ${SCHEMA_VERSION + 1}, newer than this mcpctl knows (${SCHEMA_VERSION}): it was made by mcpctl v`,
    });
  });

  it('a refused restore leaves the live store byte for byte as it was', async () => {
    const { dir, file } = await aBackup();
    const { paths } = home();
    await makeStore(paths.database, ['live']);
    const before = readFileSync(paths.database);
    const truncated = join(dir, 'truncated.db');
    copyFileSync(file, truncated);
    truncateSync(truncated, 3000);
    for (const bad of [join(dir, 'nope.db'), truncated, join(dir, 'mcpctl.db')]) {
      await failure(() => restoreBackup({ paths, env: {}, file: bad, version: 'v', stop: false }));
    }
    expect(readFileSync(paths.database).equals(before)).toBe(true);
    expect(readdirSync(paths.stateDir).filter((name) => name.includes('restor'))).toEqual([]);
  });
});

describe('backup restore', () => {
  it('replaces the store, keeps the old one (WAL included) as a restorable backup, leaves no sidecar', async () => {
    const source = home();
    await makeStore(source.paths.database, ['backed-up']);
    const file = join(source.dir, 'b.db');
    await backupWithoutDaemon({ paths: source.paths, env: {}, file, force: false, version: 'v' });

    const { paths } = home();
    // What a daemon killed with -9 leaves: writes only in its WAL.
    const live = openSqliteStore({ path: join(paths.stateDir, 'other.db'), logger: silentLogger });
    await live.servers.insert({ name: 'old', transport: 'stdio', spec: {} });
    await live.servers.insert({ name: 'only-in-wal', transport: 'stdio', spec: {} });
    copyFileSync(join(paths.stateDir, 'other.db'), paths.database);
    copyFileSync(join(paths.stateDir, 'other.db-wal'), `${paths.database}-wal`);
    live.close();

    const result = await restoreBackup({ paths, env: {}, file, version: 'v', stop: false });
    expect(result).toMatchObject({
      store: paths.database,
      stoppedDaemon: null,
      schemaFrom: SCHEMA_VERSION,
      schemaTo: SCHEMA_VERSION,
      counts: { servers: 1 },
      previous: expect.stringMatching(/mcpctl\.db\.before-restore-[\dTZ-]+$/),
    });
    expect(serverNames(paths.database)).toEqual(['backed-up']);
    for (const suffix of ['-wal', '-shm', '-journal']) expect(existsSync(paths.database + suffix)).toBe(false);
    expect(existsSync(`${paths.database}.restoring`)).toBe(false);
    const db = new Database(paths.database, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'mcpctl_backup'").get()).toBeUndefined();
    db.close();
    expect(statSync(paths.database).mode & 0o777).toBe(0o600);

    const previous = result.previous as string;
    expect(inspectBackup(previous).info.counts.servers).toBe(2);
    expect(serverNames(previous)).toEqual(['old', 'only-in-wal']);
    // The store opens as the daemon opens it.
    const reopened = openSqliteStore({ path: paths.database, logger: silentLogger });
    expect((await reopened.servers.list()).map((s) => s.name)).toEqual(['backed-up']);
    reopened.close();
  });

  it('migrates a backup of an older schema to this one; with no store before, keeps no copy', async () => {
    const { dir, paths } = home();
    const old = join(dir, 'old.db');
    const db = new Database(old);
    const steps = 3;
    for (const sql of MIGRATIONS.slice(0, steps)) db.exec(sql);
    db.pragma(`user_version = ${steps}`);
    db.prepare("INSERT INTO servers VALUES ('legacy', 'stdio', '{}', 'then', 'then')").run();
    const file = join(dir, 'old-backup.db');
    await snapshotSqlite(db, file, META);
    db.close();
    mkdirSync(paths.stateDir, { recursive: true });
    // A store wiped by hand, its WAL left behind: it must not meet the restored file.
    writeFileSync(`${paths.database}-wal`, 'stale');

    const result = await restoreBackup({ paths, env: {}, file, version: 'v', stop: false });
    expect(result).toMatchObject({ schemaFrom: steps, schemaTo: SCHEMA_VERSION, previous: null });
    expect(existsSync(`${paths.database}-wal`)).toBe(false);
    const store = openSqliteStore({ path: paths.database, logger: silentLogger });
    expect((await store.servers.list()).map((s) => s.name)).toEqual(['legacy']);
    expect(await store.tokens.list()).toEqual([]);
    store.close();
  });
});
