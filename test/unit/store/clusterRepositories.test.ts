import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/shared/logger.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import type { Store } from '../../../src/store/types.js';
import { useTempDir } from './tempDir.js';

// Two handles on ONE file: two daemons sharing a store, contending through SQLite's write lock.
describe('nodes and leases on a shared store', () => {
  const tempDir = useTempDir();
  let open: Store[] = [];
  afterEach(() => {
    vi.useRealTimers();
    for (const store of open) store.close();
    open = [];
  });

  function twoHandles(): [Store, Store] {
    const path = join(tempDir(), 'mcpctl.db');
    const a = openSqliteStore({ path, logger: silentLogger });
    const b = openSqliteStore({ path, logger: silentLogger });
    open.push(a, b);
    return [a, b];
  }

  it('a heartbeat upserts the node, seen by the other handle, live until the TTL passes', async () => {
    const [a, b] = twoHandles();
    const first = await a.nodes.heartbeat({ name: 'n1', version: '1.0.0', load: { servers: 1, sessions: 0 } });
    expect(first).toMatchObject({ name: 'n1', version: '1.0.0', load: { servers: 1, sessions: 0 }, live: true });
    expect(first.lastHeartbeatAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await sleep(5);
    const second = await a.nodes.heartbeat({ name: 'n1', version: '1.0.1', load: { servers: 2, sessions: 3 } });
    expect(second.firstSeenAt).toBe(first.firstSeenAt);
    expect(second.lastHeartbeatAt > first.lastHeartbeatAt).toBe(true);

    await b.nodes.heartbeat({ name: 'n2', version: '1.0.1', load: {} });
    const listed = await b.nodes.list(60_000);
    expect(listed.map((node) => [node.name, node.version, node.live])).toEqual([
      ['n1', '1.0.1', true],
      ['n2', '1.0.1', true],
    ]);
    expect(listed[0]?.load).toEqual({ servers: 2, sessions: 3 });
    await sleep(60);
    expect((await b.nodes.list(50)).map((node) => node.live)).toEqual([false, false]);

    expect(await b.nodes.remove('n1')).toBe(true);
    expect(await a.nodes.remove('n1')).toBe(false);
    expect((await a.nodes.list(60_000)).map((node) => node.name)).toEqual(['n2']);
  });

  it('only one node acquires; renewing keeps it; after the TTL the other takes it with a higher fence', async () => {
    const [a, b] = twoHandles();
    const [grantA, grantB] = await Promise.all([
      a.leases.acquire('server/memory', 'node-a', 600),
      b.leases.acquire('server/memory', 'node-b', 600),
    ]);
    expect(grantA).toMatchObject({ held: true, holder: 'node-a', fence: 1 });
    expect(grantB).toMatchObject({ held: false, holder: 'node-a', fence: 1, expiresAt: grantA.expiresAt });

    // Renewed four times across more than one TTL: node-b never gets it.
    for (let i = 0; i < 4; i++) {
      await sleep(200);
      const renewed = await a.leases.acquire('server/memory', 'node-a', 600);
      expect(renewed).toMatchObject({ held: true, holder: 'node-a', fence: 1 });
      expect(await b.leases.acquire('server/memory', 'node-b', 600)).toMatchObject({ held: false, holder: 'node-a' });
    }

    await sleep(650); // node-a stopped renewing
    const taken = await b.leases.acquire('server/memory', 'node-b', 600);
    expect(taken).toMatchObject({ held: true, holder: 'node-b', fence: 2 });
    expect(await a.leases.acquire('server/memory', 'node-a', 600)).toMatchObject({
      held: false,
      holder: 'node-b',
      fence: 2,
    });
    expect(await a.leases.list()).toEqual([
      { resource: 'server/memory', holder: 'node-b', fence: 2, expiresAt: taken.expiresAt, live: true },
    ]);
  });

  it('a release frees the lease at once and the fence still grows', async () => {
    const [a, b] = twoHandles();
    await a.leases.acquire('server/x', 'node-a', 60_000);
    expect(await b.leases.release('server/x', 'node-b')).toBe(false);
    expect(await a.leases.release('server/x', 'node-a')).toBe(true);
    expect(await a.leases.release('server/x', 'node-a')).toBe(false);
    expect((await b.leases.list())[0]).toMatchObject({ holder: 'node-a', live: false });
    expect(await b.leases.acquire('server/x', 'node-b', 60_000)).toMatchObject({ held: true, fence: 2 });
    expect(await a.leases.acquire('server/x', 'node-a', 60_000)).toMatchObject({ held: false, holder: 'node-b' });
  });

  it("a node whose clock is ten minutes ahead cannot steal a live lease (times are the database's)", async () => {
    const [a, b] = twoHandles();
    const held = await a.leases.acquire('server/x', 'node-a', 5_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    expect(await b.leases.acquire('server/x', 'node-b', 5_000)).toMatchObject({ held: false, holder: 'node-a' });
    const beat = await b.nodes.heartbeat({ name: 'node-b', version: '1', load: {} });
    expect(beat.lastHeartbeatAt < new Date().toISOString()).toBe(true);
    expect(beat.lastHeartbeatAt < held.expiresAt).toBe(true);
  });
});
