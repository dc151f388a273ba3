import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseKeeper } from '../../../../src/core/cluster/leaseKeeper.js';
import { nodesRunning, rendezvousOrder, slotResource } from '../../../../src/core/cluster/placement.js';
import { type ServerSpec, serverSpecSchema } from '../../../../src/core/servers/definition.js';
import type { Clock } from '../../../../src/core/servers/instance.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';
import type { LeaseGrant, Store } from '../../../../src/store/types.js';
import { useTempDir } from '../../store/tempDir.js';

/** A clock whose time moves only when the test says; its timers fire as it passes them. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000_000;
  let next = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = ++next;
      timers.set(id, { at: now + ms, callback });
      return { unref() {}, id } as unknown as NodeJS.Timeout;
    },
    clearTimeout(timer) {
      if (timer !== undefined) timers.delete((timer as unknown as { id: number }).id);
    },
    advance(ms) {
      now += ms;
      for (const [id, timer] of [...timers].sort(([, a], [, b]) => a.at - b.at)) {
        if (timer.at > now) continue;
        timers.delete(id);
        timer.callback();
      }
    },
  };
}

const TTL = 3000;
const spec = (name: string, replicas?: number | 'all'): ServerSpec =>
  serverSpecSchema.parse({ name, transport: 'stdio', command: 'true', ...(replicas ? { replicas } : {}) });

describe('LeaseKeeper', () => {
  const tempDir = useTempDir();
  const closes: Array<() => unknown> = [];
  afterEach(async () => {
    for (const close of closes.splice(0)) await close();
  });

  /** A keeper of node `a` on a real SQLite store; `hang()` makes every later lease call never answer (a store gone away). */
  function setUp(specs: ServerSpec[]) {
    const store = openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger });
    closes.push(() => store.close());
    let hanging = false;
    const leases: Store['leases'] = {
      acquire: (resource, node, ttl) =>
        hanging ? new Promise<LeaseGrant>(() => {}) : store.leases.acquire(resource, node, ttl),
      release: (resource, node) => store.leases.release(resource, node),
      list: () => store.leases.list(),
    };
    const clock = manualClock();
    const placed: string[] = [];
    const keeper = new LeaseKeeper({
      store: { leases, nodes: store.nodes, instances: store.instances },
      node: 'a',
      ttlMs: TTL,
      servers: () => specs,
      place: async (name, run) => {
        placed.push(`${run ? 'start' : 'stop'} ${name}`);
      },
      clock,
      logger: silentLogger,
    });
    return { store, keeper, clock, placed, hang: () => (hanging = true) };
  }

  it('stops its instance when no renewal succeeded by half the TTL, before the lease can expire', async () => {
    const { store, keeper, clock, placed, hang } = setUp([spec('memo')]);
    await store.servers.insert({ name: 'memo', transport: 'stdio', spec: {}, desired: 'running' });
    // Another live node, which could take the lease once it expires.
    await store.nodes.heartbeat({ name: 'b', version: '1', load: {} });
    await keeper.kick();
    expect(placed).toEqual(['start memo']);
    expect(keeper.runsHere('memo')).toBe(true);

    // A renewal in time keeps it running past the first half TTL.
    clock.advance(TTL / 3);
    await keeper.kick();
    clock.advance(TTL / 3);
    expect(placed).toEqual(['start memo']);

    // The store stops answering: the renewal hangs, and at half the TTL since the last good one it stops.
    hang();
    void keeper.kick();
    clock.advance(TTL / 2 - TTL / 3 - 1);
    expect(placed).toEqual(['start memo']);
    clock.advance(1);
    expect(placed).toEqual(['start memo', 'stop memo']);
    expect(keeper.runsHere('memo')).toBe(false);
    // The lease, by the database's clock, is still this node's for a while: nobody else may have started it.
    const [lease] = await store.leases.list();
    expect(lease).toMatchObject({ resource: slotResource('memo', 0), holder: 'a', live: true });
  });

  it('keeps its instance through a store outage when no other node is live to take it over', async () => {
    const { store, keeper, clock, placed, hang } = setUp([spec('memo')]);
    await store.servers.insert({ name: 'memo', transport: 'stdio', spec: {}, desired: 'running' });
    await keeper.kick();
    hang();
    void keeper.kick();
    clock.advance(TTL);
    expect(placed).toEqual(['start memo']);
    expect(keeper.runsHere('memo')).toBe(true);
  });

  it('holds no lease for `replicas: all`, and gives its slot up when the cluster stops the server', async () => {
    const { store, keeper, placed } = setUp([spec('everywhere', 'all'), spec('memo')]);
    await store.servers.insert({ name: 'everywhere', transport: 'stdio', spec: {}, desired: 'running' });
    await store.servers.insert({ name: 'memo', transport: 'stdio', spec: {}, desired: 'running' });
    await keeper.kick();
    expect(placed.sort()).toEqual(['start everywhere', 'start memo']);
    expect((await store.leases.list()).map((lease) => lease.resource)).toEqual([slotResource('memo', 0)]);

    await keeper.desiredChanged(['memo'], 'stopped');
    expect(placed).toContain('stop memo');
    const [lease] = await store.leases.list();
    expect(lease).toMatchObject({ holder: 'a', live: false });
  });
});

describe('placement', () => {
  it('orders nodes the same way whatever order they are given in, and spreads servers over them', () => {
    const nodes = ['n1', 'n2', 'n3'];
    expect(rendezvousOrder('memo', nodes)).toEqual(rendezvousOrder('memo', [...nodes].reverse()));
    const firsts = new Set(Array.from({ length: 30 }, (_, i) => rendezvousOrder(`server-${i}`, nodes)[0]));
    expect(firsts).toEqual(new Set(nodes));
  });

  it('says who runs a server: live holders of its slots, or every live node for all', () => {
    const lease = (resource: string, holder: string, live = true) => ({
      resource,
      holder,
      fence: 1,
      expiresAt: '',
      live,
    });
    const leases = [
      lease('server/memo/0', 'n2'),
      lease('server/memo/1', 'n1', false),
      lease('server/pair/0', 'n3'),
      lease('server/pair/1', 'n1'),
      lease('server/pair/2', 'n2'),
    ];
    expect(nodesRunning(spec('memo'), leases, ['n1', 'n2', 'n3'])).toEqual(['n2']);
    expect(nodesRunning(spec('memo', 2), leases, ['n1', 'n2', 'n3'])).toEqual(['n2']);
    expect(nodesRunning(spec('pair', 2), leases, ['n1', 'n2', 'n3'])).toEqual(['n1', 'n3']);
    expect(nodesRunning(spec('pair', 2), leases, ['n1'])).toEqual(['n1']);
    expect(nodesRunning(spec('any', 'all'), leases, ['n3', 'n1'])).toEqual(['n1', 'n3']);
  });
});
