import {
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { McpctlError } from '../../../src/shared/errors.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { integrityCheck } from '../../../src/store/database.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import { useTempDir } from './tempDir.js';

/** A real store with enough rows to span many pages; closed, so the WAL is checkpointed away. */
async function makeStore(path: string): Promise<void> {
  const store = openSqliteStore({ path, logger: silentLogger });
  await store.servers.insert({ name: 'memory', transport: 'stdio', spec: { command: 'node' } });
  for (let i = 0; i < 300; i++) {
    await store.events.append({ server: 'memory', type: 't', message: `event ${i} ${'x'.repeat(100)}` });
  }
  store.close();
}

function overwrite(path: string, offset: number, length: number): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  closeSync(fd);
}

function openError(path: string): McpctlError {
  try {
    openSqliteStore({ path, logger: silentLogger }).close();
  } catch (error) {
    if (error instanceof McpctlError) return error;
    throw error;
  }
  throw new Error('expected openSqliteStore to fail');
}

/** Asserts the STORE_CORRUPT contract: moved aside byte for byte, nothing deleted, a fresh start works. */
async function expectMovedAside(dir: string, path: string, damage: (path: string) => void): Promise<void> {
  damage(path);
  const damaged = readFileSync(path);
  const error = openError(path);

  expect(error.code).toBe('STORE_CORRUPT');
  const moved = readdirSync(dir).filter(
    (name) => name.startsWith('mcpctl.db.corrupt-') && !/-(wal|shm|journal)$/.test(name),
  );
  expect(moved).toHaveLength(1);
  const aside = join(dir, moved[0] as string);
  expect(error.message).toBe(`the database ${path} is corrupt: moved it to ${aside}`);
  expect(error.hint).toBe(
    "restore a backup with 'mcpctl backup restore FILE' (the secrets need the master key they were made with), or start the daemon again to begin with an empty store",
  );
  expect(existsSync(path)).toBe(false);
  expect(readFileSync(aside).equals(damaged)).toBe(true);

  // The next start begins with an empty store; the corrupt copy stays.
  const fresh = openSqliteStore({ path, logger: silentLogger });
  expect(await fresh.servers.list()).toEqual([]);
  fresh.close();
  expect(readFileSync(aside).equals(damaged)).toBe(true);
}

describe('a corrupt database', () => {
  const tempDir = useTempDir();

  /** Damage that the open-time check must find, each on a fresh store. */
  const damages: Array<{ what: string; damage: (path: string) => void }> = [
    { what: 'garbage over the header (offset 0)', damage: (p) => overwrite(p, 0, 64) },
    { what: 'garbage over the first page after the header (offset 100)', damage: (p) => overwrite(p, 100, 200) },
    { what: 'garbage over the second page (offset 4096)', damage: (p) => overwrite(p, 4096, 4096) },
    { what: 'a truncated file', damage: (p) => truncateSync(p, Math.floor(statSync(p).size / 2) + 7) },
  ];
  for (const { what, damage } of damages) {
    it(`F7: ${what}: moved aside with STORE_CORRUPT`, async () => {
      const dir = tempDir();
      const path = join(dir, 'mcpctl.db');
      await makeStore(path);
      await expectMovedAside(dir, path, damage);
    });
  }

  it('F7: a wrong freelist count that only quick_check notices: moved aside with STORE_CORRUPT', async () => {
    const dir = tempDir();
    const path = join(dir, 'mcpctl.db');
    await makeStore(path);
    // Removing the server frees its events' pages, so the file has a freelist to lie about.
    const store = openSqliteStore({ path, logger: silentLogger });
    await store.servers.remove('memory');
    store.close();
    await expectMovedAside(dir, path, (p) => {
      const count = Buffer.alloc(4);
      count.writeUInt32BE(1);
      const fd = openSync(p, 'r+');
      writeSync(fd, count, 0, 4, 36);
      closeSync(fd);
    });
  });

  it('F7: moves the -wal file along with the database, under the matching name', async () => {
    const dir = tempDir();
    const live = join(dir, 'live.db');
    const path = join(dir, 'mcpctl.db');
    await makeStore(live);
    const store = openSqliteStore({ path: live, logger: silentLogger });
    await store.servers.insert({ name: 'docs', transport: 'http', spec: {} });
    // A copy taken while open, as a crash leaves it: database plus an unmerged WAL.
    copyFileSync(live, path);
    copyFileSync(`${live}-wal`, `${path}-wal`);
    store.close();
    // Damage an events page in the middle of the file, which the small WAL does not cover.
    const page = 4096;
    overwrite(path, Math.floor(statSync(path).size / 2 / page) * page, page);
    const damaged = readFileSync(path);
    const wal = readFileSync(`${path}-wal`);

    const error = openError(path);
    expect(error.code).toBe('STORE_CORRUPT');
    const aside = error.message.replace(/^.* moved it to /, '');
    expect(existsSync(`${path}-wal`)).toBe(false);
    // Untouched: the check ran read-only, so no checkpoint merged the WAL into the damaged file.
    expect(readFileSync(aside).equals(damaged)).toBe(true);
    expect(readFileSync(`${aside}-wal`).equals(wal)).toBe(true);
  });
});

describe('integrityCheck', () => {
  const tempDir = useTempDir();

  it("says 'ok' for a sound database, also while a store has it open", async () => {
    const path = join(tempDir(), 'mcpctl.db');
    await makeStore(path);
    expect(integrityCheck(path)).toBe('ok');
    const store = openSqliteStore({ path, logger: silentLogger });
    await store.events.append({ server: null, type: 't', message: 'm' });
    expect(integrityCheck(path)).toBe('ok');
    store.close();
  });

  it('describes the damage of a corrupt database, and leaves the file where it is', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    await makeStore(path);
    overwrite(path, 0, 64);
    expect(integrityCheck(path)).toBe('file is not a database');
    expect(existsSync(path)).toBe(true);
  });

  it('throws NOT_FOUND for a missing file, and creates none', () => {
    const path = join(tempDir(), 'missing.db');
    expect(() => integrityCheck(path)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(existsSync(path)).toBe(false);
  });
});
