import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { profileSpecSchema } from '../../../../src/core/profiles/definition.js';
import { ProfileRegistry } from '../../../../src/core/profiles/registry.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';
import type { Store } from '../../../../src/store/types.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openStore(path?: string): { store: Store; path: string } {
  const file = path ?? join(mkdtempSync(join(tmpdir(), 'mcpctl-profiles-')), 'mcpctl.db');
  if (!path) dirs.push(join(file, '..'));
  const store = openSqliteStore({ path: file, logger: silentLogger });
  stores.push(store);
  return { store, path: file };
}

async function registry(store: Store): Promise<ProfileRegistry> {
  const profiles = new ProfileRegistry({ store, logger: silentLogger });
  await profiles.load();
  return profiles;
}

const spec = (name: string, ...servers: string[]) =>
  profileSpecSchema.parse({ name, members: servers.map((server) => ({ server })) });

describe('ProfileRegistry', () => {
  it("adopts another node's change from the store without writing: created, edited, removed, current", async () => {
    const { store, path } = openStore();
    const here = await registry(store);
    const other = await registry(openStore(path).store);
    const changes: string[] = [];
    here.onChange((name) => changes.push(`${name}:${here.get(name)?.members.length ?? 'gone'}`));

    await other.create(spec('work', 'fs'));
    await other.use('work');
    await here.adoptStored('work');
    await here.adoptStoredCurrent();
    expect(here.get('work')).toEqual(spec('work', 'fs'));
    expect(here.current()).toBe('work');
    await here.adoptStored('work'); // the same row again: nothing to tell
    await other.put(spec('work', 'fs', 'memory'));
    await here.adoptStored('work');
    await other.remove('work');
    await here.adoptStored('work');
    await here.adoptStored('never'); // neither here nor in the store
    expect(here.list()).toEqual([]);
    expect(here.current()).toBeNull();
    expect(changes).toEqual(['work:1', 'work:2', 'work:gone']);
  });

  it('creates, replaces and removes profiles, tells listeners, and a new registry loads them from the store', async () => {
    const { store, path } = openStore();
    const profiles = await registry(store);
    const changes: string[] = [];
    profiles.onChange((name) => changes.push(`${name}:${profiles.get(name)?.members.length ?? 'gone'}`));

    await profiles.create(spec('work', 'fs', 'memory'));
    await profiles.put(spec('home', 'memory'));
    await profiles.put(spec('work', 'fs'));
    await profiles.use('home');
    expect(profiles.list().map((entry) => entry.spec.name)).toEqual(['home', 'work']);
    expect(await profiles.remove('work')).toBe(true);
    expect(await profiles.remove('work')).toBe(false);
    expect(changes).toEqual(['work:2', 'home:1', 'work:1', 'work:gone']);

    const again = await registry(openStore(path).store);
    expect(again.list().map((entry) => entry.spec)).toEqual([spec('home', 'memory')]);
    expect(again.current()).toBe('home');
  });

  it('refuses a taken name, and an unknown profile for entry and use (exit 8)', async () => {
    const { store } = openStore();
    const profiles = await registry(store);
    await profiles.create(spec('work'));
    await expect(profiles.create(spec('work', 'fs'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(profiles.get('work')?.members).toEqual([]);
    expect(() => profiles.entry('ghost')).toThrow("no profile named 'ghost'");
    await expect(profiles.use('ghost')).rejects.toMatchObject({ code: 'NOT_FOUND', exitCode: 8 });
    expect(profiles.current()).toBeNull();
  });

  it('writes the store first: a write the store refuses leaves memory and listeners untouched', async () => {
    const { store } = openStore();
    const profiles = await registry(store);
    await profiles.create(spec('work', 'fs'));
    let told = 0;
    profiles.onChange(() => told++);
    store.close();
    await expect(profiles.put(spec('work', 'fs', 'memory'))).rejects.toThrow();
    await expect(profiles.create(spec('home'))).rejects.toThrow();
    await expect(profiles.remove('work')).rejects.toThrow();
    expect(profiles.list().map((entry) => entry.spec)).toEqual([spec('work', 'fs')]);
    expect(told).toBe(0);
  });

  it('replaces several profiles at once, or none when one is unknown', async () => {
    const { store } = openStore();
    const profiles = await registry(store);
    await profiles.create(spec('a', 'fs', 'memory'));
    await profiles.create(spec('b', 'fs'));
    expect(() => profiles.entry('b')).not.toThrow();
    await expect(profiles.putAll([spec('a', 'memory'), spec('ghost')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(profiles.get('a')?.members).toHaveLength(2);
    await profiles.putAll([spec('a', 'memory'), spec('b')]);
    expect((await store.profiles.list()).map((row) => row.spec.members)).toEqual([[{ server: 'memory', env: {} }], []]);
  });

  it('forgets the current profile when it is removed', async () => {
    const { store } = openStore();
    const profiles = await registry(store);
    await profiles.create(spec('work'));
    await profiles.use('work');
    await profiles.remove('work');
    expect(profiles.current()).toBeNull();
    expect(await store.profiles.current()).toBeNull();
  });

  it('skips a stored profile it cannot read and loads the others', async () => {
    const { store } = openStore();
    await store.profiles.insert({ name: 'broken', spec: { name: 'broken', members: 'nope' } });
    await store.profiles.insert({ name: 'fine', spec: { name: 'fine' } });
    const profiles = await registry(store);
    expect(profiles.list().map((entry) => entry.spec.name)).toEqual(['fine']);
  });

  it('runs exclusive work one at a time, in order, a failure not stopping the next', async () => {
    const { store } = openStore();
    const profiles = await registry(store);
    const order: string[] = [];
    const slow = profiles.exclusive(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('slow');
      throw new Error('boom');
    });
    const fast = profiles.exclusive(async () => {
      order.push('fast');
      return 1;
    });
    await expect(slow).rejects.toThrow('boom');
    expect(await fast).toBe(1);
    expect(order).toEqual(['slow', 'fast']);
  });
});
