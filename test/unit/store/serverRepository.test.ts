import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { McpctlError } from '../../../src/shared/errors.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import { useTempDir } from './tempDir.js';

describe('servers repository', () => {
  const tempDir = useTempDir();
  const open = () => openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger });

  it('inserts, gets, lists by name and removes definitions', async () => {
    const store = open();
    const spec = { command: 'npx', args: ['-y', 'server-everything'], env: { A: '1' } };
    const inserted = await store.servers.insert({ name: 'everything', transport: 'stdio', spec });
    expect(inserted).toMatchObject({ name: 'everything', transport: 'stdio', spec });
    expect(new Date(inserted.createdAt).toISOString()).toBe(inserted.createdAt);
    expect(inserted.updatedAt).toBe(inserted.createdAt);
    await store.servers.insert({ name: 'docs', transport: 'http', spec: { url: 'https://example.com/mcp' } });

    expect(await store.servers.get('everything')).toEqual(inserted);
    expect(await store.servers.get('missing')).toBeUndefined();
    expect((await store.servers.list()).map((s) => s.name)).toEqual(['docs', 'everything']);

    expect(await store.servers.remove('docs')).toBe(true);
    expect(await store.servers.remove('docs')).toBe(false);
    expect((await store.servers.list()).map((s) => s.name)).toEqual(['everything']);
    store.close();
  });

  it('refuses a taken name with ALREADY_EXISTS and keeps the first definition', async () => {
    const store = open();
    await store.servers.insert({ name: 'memory', transport: 'stdio', spec: { command: 'first' } });
    const error = await store.servers
      .insert({ name: 'memory', transport: 'stdio', spec: { command: 'second' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpctlError);
    expect(error).toMatchObject({
      code: 'ALREADY_EXISTS',
      message: "a server named 'memory' already exists",
      hint: "pick another name, or remove it first with 'mcpctl server rm memory'",
    });
    expect((await store.servers.get('memory'))?.spec).toEqual({ command: 'first' });
    store.close();
  });

  it('update replaces a definition and keeps its creation time, instance state and events', async () => {
    const store = open();
    const inserted = await store.servers.insert({ name: 'a', transport: 'stdio', spec: { command: 'first' } });
    await store.instances.update('a', { state: 'running', restarts: 3 });
    await store.events.append({ server: 'a', type: 'added', message: 'a added' });
    await new Promise((resolve) => setTimeout(resolve, 5));

    const updated = await store.servers.update({ name: 'a', transport: 'http', spec: { url: 'https://x/mcp' } });

    expect(updated).toMatchObject({ name: 'a', transport: 'http', spec: { url: 'https://x/mcp' } });
    expect(updated.createdAt).toBe(inserted.createdAt);
    expect(updated.updatedAt > inserted.updatedAt).toBe(true);
    expect(await store.servers.get('a')).toEqual(updated);
    expect(await store.instances.get('a')).toMatchObject({ state: 'running', restarts: 3 });
    expect((await store.events.list({ server: 'a', limit: 10 })).map((e) => e.message)).toEqual(['a added']);
    const missing = await store.servers.update({ name: 'b', transport: 'stdio', spec: {} }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: "no server named 'b'" });
    store.close();
  });

  it('removing a server removes its instance state and events, and only its own', async () => {
    const store = open();
    await store.servers.insert({ name: 'a', transport: 'stdio', spec: {} });
    await store.servers.insert({ name: 'b', transport: 'stdio', spec: {} });
    await store.instances.update('a', { state: 'running', pid: 42 });
    await store.instances.update('b', { state: 'running', pid: 43 });
    await store.events.append({ server: 'a', type: 'instance.started', message: 'a started' });
    await store.events.append({ server: 'b', type: 'instance.started', message: 'b started' });
    await store.events.append({ server: null, type: 'daemon.started', message: 'daemon started' });

    expect(await store.servers.remove('a')).toBe(true);

    expect(await store.instances.get('a')).toBeUndefined();
    expect((await store.instances.list()).map((i) => i.server)).toEqual(['b']);
    expect(await store.events.list({ server: 'a', limit: 10 })).toEqual([]);
    expect((await store.events.list({ limit: 10 })).map((e) => e.message)).toEqual(['b started', 'daemon started']);
    store.close();
  });
});
