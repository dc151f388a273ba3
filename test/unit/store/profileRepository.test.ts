import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { McpctlError } from '../../../src/shared/errors.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import { useTempDir } from './tempDir.js';

describe('profiles repository', () => {
  const tempDir = useTempDir();
  const open = (path = join(tempDir(), 'mcpctl.db')) => ({
    path,
    store: openSqliteStore({ path, logger: silentLogger }),
  });

  it('inserts, gets, lists by name, updates and removes definitions, kept across a reopen', async () => {
    const { path, store } = open();
    const spec = { name: 'work', members: [{ server: 'fs', env: {} }] };
    const inserted = await store.profiles.insert({ name: 'work', spec });
    expect(inserted).toMatchObject({ name: 'work', spec });
    expect(inserted.updatedAt).toBe(inserted.createdAt);
    await store.profiles.insert({ name: 'home', spec: { name: 'home' } });
    expect((await store.profiles.list()).map((p) => p.name)).toEqual(['home', 'work']);

    const changed = { ...spec, description: 'the day job' };
    const [updated] = await store.profiles.update([{ name: 'work', spec: changed }]);
    expect(updated).toMatchObject({ name: 'work', spec: changed, createdAt: inserted.createdAt });
    store.close();

    const reopened = openSqliteStore({ path, logger: silentLogger });
    expect((await reopened.profiles.get('work'))?.spec).toEqual(changed);
    expect(await reopened.profiles.remove('home')).toBe(true);
    expect(await reopened.profiles.remove('home')).toBe(false);
    expect(await reopened.profiles.get('home')).toBeUndefined();
    reopened.close();
  });

  it('refuses a taken name with ALREADY_EXISTS and keeps the first definition', async () => {
    const { store } = open();
    await store.profiles.insert({ name: 'work', spec: { name: 'work', description: 'first' } });
    const error = await store.profiles.insert({ name: 'work', spec: { name: 'work' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpctlError);
    expect(error).toMatchObject({ code: 'ALREADY_EXISTS', message: "a profile named 'work' already exists" });
    expect((await store.profiles.get('work'))?.spec).toEqual({ name: 'work', description: 'first' });
    store.close();
  });

  it('updates several profiles in one transaction: one unknown name changes none of them', async () => {
    const { store } = open();
    await store.profiles.insert({ name: 'a', spec: { name: 'a', description: 'a0' } });
    const error = await store.profiles
      .update([
        { name: 'a', spec: { name: 'a', description: 'a1' } },
        { name: 'ghost', spec: { name: 'ghost' } },
      ])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: "no profile named 'ghost'" });
    expect((await store.profiles.get('a'))?.spec).toEqual({ name: 'a', description: 'a0' });
    store.close();
  });

  it('keeps the current profile, refuses an unknown one, and forgets it when that profile is removed', async () => {
    const { path, store } = open();
    expect(await store.profiles.current()).toBeNull();
    await store.profiles.insert({ name: 'a', spec: { name: 'a' } });
    await store.profiles.insert({ name: 'b', spec: { name: 'b' } });
    await store.profiles.setCurrent('a');
    await store.profiles.setCurrent('b');
    expect(await store.profiles.current()).toBe('b');
    const error = await store.profiles.setCurrent('ghost').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: "no profile named 'ghost'" });
    expect(await store.profiles.current()).toBe('b');
    store.close();

    const reopened = openSqliteStore({ path, logger: silentLogger });
    expect(await reopened.profiles.current()).toBe('b');
    await reopened.profiles.remove('b');
    expect(await reopened.profiles.current()).toBeNull();
    await reopened.profiles.setCurrent('a');
    await reopened.profiles.setCurrent(null);
    expect(await reopened.profiles.current()).toBeNull();
    reopened.close();
  });

  it('adds its tables to a database of the previous schema without touching its servers', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const first = openSqliteStore({ path, logger: silentLogger });
    await first.servers.insert({ name: 'fs', transport: 'stdio', spec: { command: 'node' } });
    first.close();
    // Roll the file back to schema 2, as the release before profiles left it.
    const raw = new Database(path);
    // Later steps' tables go too, so that the migration re-runs them all.
    raw.exec('DROP TABLE current_profile; DROP TABLE profiles; DROP TABLE IF EXISTS audit;');
    raw.pragma('user_version = 2');
    raw.close();

    const { store } = open(path);
    expect((await store.servers.list()).map((s) => s.name)).toEqual(['fs']);
    await store.profiles.insert({ name: 'p', spec: { name: 'p' } });
    expect((await store.profiles.list()).map((p) => p.name)).toEqual(['p']);
    store.close();
  });
});
