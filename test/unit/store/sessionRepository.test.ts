import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/shared/logger.js';
import { openDatabase } from '../../../src/store/database.js';
import { MIGRATIONS, migrate } from '../../../src/store/migrations.js';
import { createSessionRepository } from '../../../src/store/sessionRepository.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import { CLOSE, opened } from '../../contract/store.contract.js';
import { useTempDir } from './tempDir.js';

function count(path: string, where = '1'): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM sessions WHERE ${where}`).pluck().get();
  } finally {
    db.close();
  }
}

describe('sessions repository', () => {
  const tempDir = useTempDir();

  it('writes session rows without fsync, and leaves every other write at synchronous FULL, even after a failed one', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const db = openDatabase(path, silentLogger);
    migrate(db, path, silentLogger);
    const sessions = createSessionRepository(db);
    const levels: unknown[] = [];
    const level = (): unknown => db.pragma('synchronous', { simple: true });
    expect(await sessions.recordOpened(opened(1))).toBe(true);
    levels.push(level());
    expect(await sessions.recordClosed('s1', CLOSE)).toBe(true);
    levels.push(level());
    // A NOT NULL column left null: the write fails inside the relaxed section.
    await expect(sessions.recordOpened({ ...opened(2), server: null as unknown as string })).rejects.toThrow();
    levels.push(level());
    // 2 = FULL
    expect(levels).toEqual([2, 2, 2]);
    db.close();
  });

  it('migrates a schema-1 database with its rows to the sessions schema', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const old = new Database(path);
    old.exec(MIGRATIONS[0] as string);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO servers VALUES ('memory', 'stdio', '{}', 't', 't')").run();
    old.close();

    const store = openSqliteStore({ path, logger: silentLogger });
    expect((await store.servers.list()).map((s) => s.name)).toEqual(['memory']);
    await store.sessions.recordOpened(opened(1));
    expect(await store.sessions.get('s1')).toMatchObject({ id: 's1' });
    store.close();
    expect(count(path, "id = 's1'")).toBe(1);
  });
});
