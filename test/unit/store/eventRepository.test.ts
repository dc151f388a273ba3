import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/shared/logger.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import { useTempDir } from './tempDir.js';

describe('events repository', () => {
  const tempDir = useTempDir();

  it('appends events with ids, time and data, and lists the newest oldest first', async () => {
    const store = openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger });
    await store.servers.insert({ name: 'a', transport: 'stdio', spec: {} });
    await store.servers.insert({ name: 'b', transport: 'stdio', spec: {} });

    const first = await store.events.append({
      server: 'a',
      type: 'instance.started',
      message: 'started',
      data: { pid: 1 },
    });
    expect(first).toEqual({
      id: expect.any(Number),
      time: expect.any(String),
      server: 'a',
      type: 'instance.started',
      message: 'started',
      data: { pid: 1 },
    });
    expect(new Date(first.time).toISOString()).toBe(first.time);
    const given = await store.events.append({
      server: null,
      type: 'daemon.started',
      message: 'up',
      time: '2020-01-01T00:00:00.000Z',
    });
    expect(given).toMatchObject({ time: '2020-01-01T00:00:00.000Z', server: null, data: null });
    for (let i = 0; i < 5; i++) await store.events.append({ server: i % 2 ? 'a' : 'b', type: 't', message: `m${i}` });

    const all = await store.events.list({ limit: 100 });
    expect(all).toHaveLength(7);
    expect(all[0]).toEqual(first);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((x, y) => x - y));

    expect((await store.events.list({ limit: 3 })).map((e) => e.message)).toEqual(['m2', 'm3', 'm4']);
    expect((await store.events.list({ server: 'a', limit: 2 })).map((e) => e.message)).toEqual(['m1', 'm3']);
    expect((await store.events.list({ server: 'b', limit: 10 })).map((e) => e.message)).toEqual(['m0', 'm2', 'm4']);
    store.close();
  });

  it('refuses an event for an unknown server with NOT_FOUND', async () => {
    const store = openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger });
    await expect(store.events.append({ server: 'ghost', type: 't', message: 'm' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await store.events.list({ limit: 10 })).toEqual([]);
    store.close();
  });

  it('keeps only the newest maxEvents rows', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const store = openSqliteStore({ path, logger: silentLogger, maxEvents: 5 });
    for (let i = 0; i < 23; i++) await store.events.append({ server: null, type: 't', message: `m${i}` });
    expect((await store.events.list({ limit: 100 })).map((e) => e.message)).toEqual([
      'm18',
      'm19',
      'm20',
      'm21',
      'm22',
    ]);
    store.close();

    // Counted in the table itself, not only through list()'s limit.
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(5);
    db.close();
  });

  it('refuses a maxEvents below 1', () => {
    expect(() => openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger, maxEvents: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
