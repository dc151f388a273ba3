import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/shared/logger.js';
import { openDatabase } from '../../../src/store/database.js';
import { MIGRATIONS, migrate } from '../../../src/store/migrations.js';
import { createSessionRepository } from '../../../src/store/sessionRepository.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import type { OpenedSession } from '../../../src/store/types.js';
import { useTempDir } from './tempDir.js';

/** Session `n` of `server`, started n seconds after a fixed instant (so the order is known). */
function opened(n: number, server = 'everything'): OpenedSession {
  const startedAt = new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();
  return {
    id: `s${n}`,
    server,
    transport: n % 2 ? 'sse' : 'streamable-http',
    clientName: null,
    clientVersion: null,
    protocolVersion: null,
    startedAt,
    lastActivity: startedAt,
    requests: 0,
    errors: 0,
  };
}

const CLOSE = {
  closedAt: '2025-01-02T00:00:00.000Z',
  reason: 'client ended the session',
  requests: 7,
  errors: 1,
  lastActivity: '2025-01-01T23:00:00.000Z',
};

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

  it('records an opened session, then its close with the final figures', async () => {
    const store = openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger });
    expect(await store.sessions.recordOpened({ ...opened(1), clientName: 'claude' })).toBe(true);
    expect(await store.sessions.get('s1')).toEqual({
      ...opened(1),
      clientName: 'claude',
      closedAt: null,
      closeReason: null,
    });

    const closed = await store.sessions.recordClosed('s1', {
      ...CLOSE,
      clientName: 'other',
      clientVersion: '1.2.3',
      protocolVersion: '2025-06-18',
    });
    expect(closed).toBe(true);
    expect(await store.sessions.get('s1')).toEqual({
      ...opened(1),
      // Known client fields stay; unknown ones are filled from the close.
      clientName: 'claude',
      clientVersion: '1.2.3',
      protocolVersion: '2025-06-18',
      lastActivity: CLOSE.lastActivity,
      closedAt: CLOSE.closedAt,
      closeReason: CLOSE.reason,
      requests: 7,
      errors: 1,
    });
    store.close();
  });

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

  it('keeps the first record of an id and the first close', async () => {
    const store = openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger });
    await store.sessions.recordOpened(opened(1));
    expect(await store.sessions.recordOpened({ ...opened(1), server: 'other' })).toBe(false);
    expect(await store.sessions.recordClosed('s1', CLOSE)).toBe(true);
    expect(await store.sessions.recordClosed('s1', { ...CLOSE, reason: 'again' })).toBe(false);
    expect(await store.sessions.recordClosed('ghost', CLOSE)).toBe(false);
    expect(await store.sessions.get('s1')).toMatchObject({ server: 'everything', closeReason: CLOSE.reason });
    expect(await store.sessions.get('ghost')).toBeUndefined();
    store.close();
  });

  it('lists the most recently started first, by server, closed only, up to the limit', async () => {
    const store = openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger });
    // Recorded out of start order: the order comes from started_at, not from insertion.
    for (const n of [3, 1, 4, 2, 5]) await store.sessions.recordOpened(opened(n, n % 2 ? 'a' : 'b'));
    await store.sessions.recordClosed('s1', CLOSE);
    await store.sessions.recordClosed('s4', CLOSE);

    const ids = async (query: Parameters<typeof store.sessions.listRecent>[0]) =>
      (await store.sessions.listRecent(query)).map((s) => s.id);
    expect(await ids({ limit: 10 })).toEqual(['s5', 's4', 's3', 's2', 's1']);
    expect(await ids({ limit: 2 })).toEqual(['s5', 's4']);
    expect(await ids({ server: 'a', limit: 10 })).toEqual(['s5', 's3', 's1']);
    expect(await ids({ limit: 10, closedOnly: true })).toEqual(['s4', 's1']);
    expect(await ids({ server: 'a', limit: 10, closedOnly: true })).toEqual(['s1']);
    expect(await ids({ server: 'nobody', limit: 10 })).toEqual([]);
    store.close();
  });

  it('closes what a previous daemon left open, once, keeping closed rows as they were', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const first = openSqliteStore({ path, logger: silentLogger });
    for (const n of [1, 2, 3]) await first.sessions.recordOpened(opened(n));
    await first.sessions.recordClosed('s2', CLOSE);
    first.close();

    const second = openSqliteStore({ path, logger: silentLogger });
    expect(await second.sessions.closeDangling('2025-02-01T00:00:00.000Z')).toBe(2);
    expect(await second.sessions.closeDangling('2025-03-01T00:00:00.000Z')).toBe(0);
    expect(await second.sessions.get('s1')).toMatchObject({
      closedAt: '2025-02-01T00:00:00.000Z',
      closeReason: 'daemon restarted',
      lastActivity: opened(1).lastActivity,
    });
    expect(await second.sessions.get('s2')).toMatchObject({ closedAt: CLOSE.closedAt, closeReason: CLOSE.reason });
    second.close();
  });

  it('keeps only the newest maxSessions closed rows, and spares open ones until they close', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const store = openSqliteStore({ path, logger: silentLogger, maxSessions: 3 });
    await store.sessions.recordOpened(opened(0));
    for (let n = 1; n <= 10; n++) {
      await store.sessions.recordOpened(opened(n));
      await store.sessions.recordClosed(`s${n}`, CLOSE);
    }
    // s0 is still open: kept although older than the window, so its close still lands.
    expect((await store.sessions.listRecent({ limit: 100 })).map((s) => s.id)).toEqual(['s10', 's9', 's8', 's0']);
    expect(await store.sessions.recordClosed('s0', CLOSE)).toBe(true);
    await store.sessions.recordOpened(opened(11));
    expect((await store.sessions.listRecent({ limit: 100 })).map((s) => s.id)).toEqual(['s11', 's10', 's9']);
    store.close();
    expect(count(path)).toBe(3);
  });

  it('has no foreign key to servers: the history of a removed server stays', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const store = openSqliteStore({ path, logger: silentLogger });
    await store.servers.insert({ name: 'everything', transport: 'stdio', spec: {} });
    await store.sessions.recordOpened(opened(1));
    await store.sessions.recordOpened(opened(2, 'never-defined'));
    expect(await store.servers.remove('everything')).toBe(true);
    expect(await store.sessions.get('s1')).toMatchObject({ server: 'everything' });
    expect(await store.sessions.get('s2')).toMatchObject({ server: 'never-defined' });
    store.close();
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

  it('refuses a maxSessions below 1', () => {
    expect(() => openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger, maxSessions: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'maxSessions must be a positive integer, not 0' }),
    );
  });
});
