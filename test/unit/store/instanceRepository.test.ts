import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/shared/logger.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import { useTempDir } from './tempDir.js';

describe('instances repository', () => {
  const tempDir = useTempDir();

  async function openWithServer(name: string) {
    const store = openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger });
    await store.servers.insert({ name, transport: 'stdio', spec: { command: 'node' } });
    return store;
  }

  it('creates the row with defaults on first update', async () => {
    const store = await openWithServer('memory');
    expect(await store.instances.get('memory')).toBeUndefined();

    const created = await store.instances.update('memory', {});
    expect(created).toEqual({
      server: 'memory',
      desired: 'stopped',
      state: 'stopped',
      pid: null,
      pidStartTime: null,
      restarts: 0,
      lastExitCode: null,
      lastExitSignal: null,
      lastError: null,
      startedAt: null,
      nextRestartAt: null,
      downSince: null,
      updatedAt: expect.any(String),
    });
    expect(await store.instances.get('memory')).toEqual(created);
    store.close();
  });

  it('applies only the fields in the patch, and null clears a field', async () => {
    const store = await openWithServer('memory');
    const startedAt = new Date().toISOString();
    await store.instances.update('memory', {
      desired: 'running',
      state: 'running',
      pid: 4242,
      pidStartTime: '987654',
      startedAt,
    });
    const crashed = await store.instances.update('memory', {
      state: 'backoff',
      pid: null,
      pidStartTime: null,
      restarts: 1,
      lastExitCode: 1,
      lastExitSignal: 'SIGSEGV',
      lastError: 'exited with code 1',
      nextRestartAt: '2030-01-01T00:00:00.000Z',
      downSince: '2029-12-31T23:59:59.000Z',
      // undefined means "leave it": desired stays 'running'
      desired: undefined,
    });
    expect(crashed).toMatchObject({
      server: 'memory',
      desired: 'running',
      state: 'backoff',
      pid: null,
      pidStartTime: null,
      restarts: 1,
      lastExitCode: 1,
      lastExitSignal: 'SIGSEGV',
      lastError: 'exited with code 1',
      startedAt,
      nextRestartAt: '2030-01-01T00:00:00.000Z',
      downSince: '2029-12-31T23:59:59.000Z',
    });
    expect(crashed.updatedAt >= startedAt).toBe(true);
    expect(await store.instances.list()).toEqual([crashed]);
    store.close();
  });

  it('throws NOT_FOUND for a server that does not exist, and writes nothing', async () => {
    const store = await openWithServer('memory');
    await expect(store.instances.update('ghost', { state: 'running' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "no server named 'ghost'",
    });
    expect(await store.instances.list()).toEqual([]);
    store.close();
  });
});
