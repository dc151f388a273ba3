import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { McpctlError } from '../../src/shared/errors.js';
import type { NewAuditEntry, OpenedSession, SealedSecret, Store } from '../../src/store/types.js';

/**
 * The behaviour every Store backend owes core (src/store/types.ts), written once against the port
 * and run on each backend by its own test file. A guarantee documented in the port gets its test
 * here, not in a backend's unit tests.
 */
export interface StoreBackend {
  /** A store on a fresh, empty database; `reopen` opens another store on the same database. */
  open(options?: { maxEvents?: number; maxSessions?: number }): Promise<{ store: Store; reopen(): Promise<Store> }>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Session `n` of `server`, started n seconds after a fixed instant (so the order is known). */
export function opened(n: number, server = 'everything', node: string | null = 'node-a'): OpenedSession {
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
    node,
  };
}

export const CLOSE = {
  closedAt: '2025-01-02T00:00:00.000Z',
  reason: 'client ended the session',
  requests: 7,
  errors: 1,
  lastActivity: '2025-01-01T23:00:00.000Z',
};

function sealed(tag: string, keyId = 'key-1'): SealedSecret {
  return { ciphertext: Buffer.from(`cipher-${tag}`), nonce: Buffer.from(`nonce-${tag}`), keyId };
}

function auditEntry(n: number, fields: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    time: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
    principal: 'owner',
    principalKind: 'owner',
    role: 'admin',
    address: 'local',
    method: `m${n}`,
    server: null,
    tool: null,
    session: null,
    outcome: 'ok',
    error: null,
    durationMs: n + 0.25,
    ...fields,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

export function storeContract(backend: StoreBackend): void {
  let toClose: Store[] = [];
  afterEach(async () => {
    for (const store of toClose) await store.close();
    toClose = [];
  });
  const open = async (options?: { maxEvents?: number; maxSessions?: number }) => {
    const { store, reopen } = await backend.open(options);
    toClose.push(store);
    return {
      store,
      reopen: async () => {
        const again = await reopen();
        toClose.push(again);
        return again;
      },
    };
  };
  const fresh = async (options?: { maxEvents?: number; maxSessions?: number }) => (await open(options)).store;

  describe('servers', () => {
    it('inserts, gets, lists by name and removes definitions', async () => {
      const store = await fresh();
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
    });

    it('keeps a definition JSON exactly as written: key order, nesting, unicode', async () => {
      const store = await fresh();
      const spec = { z: 1, a: { y: [1, 'two', null, true], b: 'é ☃ \u0000x' }, m: 1.5 };
      await store.servers.insert({ name: 'a', transport: 'stdio', spec });
      const read = await store.servers.get('a');
      expect(read?.spec).toEqual(spec);
      expect(JSON.stringify(read?.spec)).toBe(JSON.stringify(spec));
    });

    it('refuses a taken name with ALREADY_EXISTS and keeps the first definition', async () => {
      const store = await fresh();
      await store.servers.insert({ name: 'memory', transport: 'stdio', spec: { command: 'first' } });
      const error = await rejection(
        store.servers.insert({ name: 'memory', transport: 'stdio', spec: { command: 'x' } }),
      );
      expect(error).toBeInstanceOf(McpctlError);
      expect(error).toMatchObject({
        code: 'ALREADY_EXISTS',
        message: "a server named 'memory' already exists",
        hint: "pick another name, or remove it first with 'mcpctl server rm memory'",
      });
      expect((await store.servers.get('memory'))?.spec).toEqual({ command: 'first' });
    });

    it('writes `desired` with the definition', async () => {
      const store = await fresh();
      await store.servers.insert({ name: 'a', transport: 'stdio', spec: {}, desired: 'running' });
      await store.servers.insert({ name: 'b', transport: 'stdio', spec: {} });
      expect(await store.instances.get('a')).toMatchObject({ desired: 'running', state: 'stopped', restarts: 0 });
      expect(await store.instances.get('b')).toBeUndefined();
    });

    it('update replaces a definition and keeps its creation time, instance state and events', async () => {
      const store = await fresh();
      const inserted = await store.servers.insert({ name: 'a', transport: 'stdio', spec: { command: 'first' } });
      await store.instances.update('a', { state: 'running', restarts: 3 });
      await store.events.append({ server: 'a', type: 'added', message: 'a added' });
      await pause(5);

      const updated = await store.servers.update({ name: 'a', transport: 'http', spec: { url: 'https://x/mcp' } });

      expect(updated).toMatchObject({ name: 'a', transport: 'http', spec: { url: 'https://x/mcp' } });
      expect(updated.createdAt).toBe(inserted.createdAt);
      expect(updated.updatedAt > inserted.updatedAt).toBe(true);
      expect(await store.servers.get('a')).toEqual(updated);
      expect(await store.instances.get('a')).toMatchObject({ state: 'running', restarts: 3 });
      expect((await store.events.list({ server: 'a', limit: 10 })).map((e) => e.message)).toEqual(['a added']);
      const missing = await rejection(store.servers.update({ name: 'b', transport: 'stdio', spec: {} }));
      expect(missing).toMatchObject({ code: 'NOT_FOUND', message: "no server named 'b'" });
    });

    it('removing a server removes its instance state and events, and only its own', async () => {
      const store = await fresh();
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
    });
  });

  describe('instances', () => {
    it('creates the row with defaults on first update', async () => {
      const store = await fresh();
      await store.servers.insert({ name: 'memory', transport: 'stdio', spec: {} });
      expect(await store.instances.get('memory')).toBeUndefined();
      const created = await store.instances.update('memory', {});
      expect(created).toEqual({
        server: 'memory',
        node: '',
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
    });

    it('applies only the fields in the patch, and null clears a field', async () => {
      const store = await fresh();
      await store.servers.insert({ name: 'memory', transport: 'stdio', spec: {} });
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
    });

    it('lists by server name', async () => {
      const store = await fresh();
      for (const name of ['c', 'a', 'b']) {
        await store.servers.insert({ name, transport: 'stdio', spec: {} });
        await store.instances.update(name, { restarts: 1 });
      }
      expect((await store.instances.list()).map((i) => i.server)).toEqual(['a', 'b', 'c']);
    });

    it("keeps one row per node: a node's writes never touch another node's row", async () => {
      const store = await fresh();
      await store.servers.insert({ name: 'memory', transport: 'stdio', spec: {}, desired: 'running' });
      await store.instances.update('memory', { state: 'running', pid: 11 }, 'node-a');
      await store.instances.update('memory', { state: 'backoff', restarts: 2 }, 'node-b');
      await store.instances.update('memory', { pid: 12 }, 'node-a');
      expect(await store.instances.get('memory', 'node-a')).toMatchObject({
        node: 'node-a',
        state: 'running',
        pid: 12,
      });
      expect(await store.instances.get('memory', 'node-b')).toMatchObject({
        node: 'node-b',
        state: 'backoff',
        pid: null,
      });
      expect(await store.instances.get('memory')).toMatchObject({ node: '', desired: 'running', state: 'stopped' });
      expect((await store.instances.list()).map((row) => row.node)).toEqual(['', 'node-a', 'node-b']);
    });

    it('sets the desired state of every node at once, and removes every row with the server', async () => {
      const store = await fresh();
      await store.servers.insert({ name: 'memory', transport: 'stdio', spec: {}, desired: 'running' });
      await store.servers.insert({ name: 'other', transport: 'stdio', spec: {}, desired: 'running' });
      await store.instances.update('memory', { desired: 'running' }, 'node-a');
      await store.instances.update('memory', { desired: 'running' }, 'node-b');
      expect(await store.instances.setDesiredEverywhere('memory', 'stopped')).toBe(3);
      const rows = await store.instances.list();
      expect(rows.filter((row) => row.server === 'memory').map((row) => row.desired)).toEqual([
        'stopped',
        'stopped',
        'stopped',
      ]);
      expect(rows.find((row) => row.server === 'other')?.desired).toBe('running');
      expect(await store.instances.setDesiredEverywhere('ghost', 'stopped')).toBe(0);
      await store.servers.remove('memory');
      expect((await store.instances.list()).map((row) => row.server)).toEqual(['other']);
    });

    it('throws NOT_FOUND for a server that does not exist, and writes nothing', async () => {
      const store = await fresh();
      await store.servers.insert({ name: 'memory', transport: 'stdio', spec: {} });
      const error = await rejection(store.instances.update('ghost', { state: 'running' }));
      expect(error).toMatchObject({ code: 'NOT_FOUND', message: "no server named 'ghost'" });
      expect(await store.instances.list()).toEqual([]);
    });
  });

  describe('events', () => {
    it('appends events with ids, time and data, and lists the newest oldest first', async () => {
      const store = await fresh();
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
    });

    it('refuses an event for an unknown server with NOT_FOUND', async () => {
      const store = await fresh();
      const error = await rejection(store.events.append({ server: 'ghost', type: 't', message: 'm' }));
      expect(error).toMatchObject({ code: 'NOT_FOUND' });
      expect(await store.events.list({ limit: 10 })).toEqual([]);
    });

    it('appends a batch in order, keeping a late event of an unknown server with server null', async () => {
      const store = await fresh();
      await store.servers.insert({ name: 'a', transport: 'stdio', spec: {} });
      expect(await store.events.appendMany([])).toEqual([]);
      const batch = await store.events.appendMany([
        { server: 'a', type: 't', message: 'one', data: { n: 1 } },
        { server: 'gone', type: 't', message: 'two' },
        { server: null, type: 't', message: 'three', time: '2021-01-01T00:00:00.000Z' },
      ]);
      expect(batch.map((e) => [e.server, e.message])).toEqual([
        ['a', 'one'],
        [null, 'two'],
        [null, 'three'],
      ]);
      expect(batch[0]?.data).toEqual({ n: 1 });
      expect(batch[2]?.time).toBe('2021-01-01T00:00:00.000Z');
      expect(await store.events.list({ limit: 10 })).toEqual(batch);
    });

    it('queries by id, time, server (its removal too), types, newest `limit` oldest first', async () => {
      const store = await fresh();
      await store.servers.insert({ name: 'a', transport: 'stdio', spec: {} });
      await store.servers.insert({ name: 'b', transport: 'stdio', spec: {} });
      const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
      const [, e2, , e4] = await store.events.appendMany([
        { server: 'a', type: 'instance.started', message: 'a1', time: at(1) },
        { server: 'b', type: 'instance.started', message: 'b1', time: at(2) },
        { server: 'a', type: 'instance.exited', message: 'a2', time: at(3) },
        { server: null, type: 'server.removed', message: 'c gone', time: at(4), data: { server: 'c' } },
      ]);
      const messages = async (query: Parameters<Store['events']['query']>[0]) =>
        (await store.events.query(query)).map((e) => e.message);
      expect(await messages({ limit: 100 })).toEqual(['a1', 'b1', 'a2', 'c gone']);
      expect(await messages({ limit: 2 })).toEqual(['a2', 'c gone']);
      expect(await messages({ afterId: e2?.id, limit: 100 })).toEqual(['a2', 'c gone']);
      expect(await messages({ since: at(2), limit: 100 })).toEqual(['b1', 'a2', 'c gone']);
      expect(await messages({ server: 'a', limit: 100 })).toEqual(['a1', 'a2']);
      expect(await messages({ server: 'c', limit: 100 })).toEqual(['c gone']);
      expect(await messages({ types: ['instance.started'], limit: 100 })).toEqual(['a1', 'b1']);
      expect(await messages({ types: [], limit: 100 })).toHaveLength(4);
      expect(
        await messages({ server: 'a', types: ['instance.exited', 'instance.started'], since: at(1), limit: 1 }),
      ).toEqual(['a2']);
      expect(await messages({ afterId: e4?.id, limit: 100 })).toEqual([]);
    });

    it('keeps only the newest maxEvents rows', async () => {
      const store = await fresh({ maxEvents: 5 });
      for (let i = 0; i < 13; i++) await store.events.append({ server: null, type: 't', message: `m${i}` });
      await store.events.appendMany([10, 11].map((n) => ({ server: null, type: 't', message: `b${n}` })));
      expect((await store.events.query({ limit: 100 })).map((e) => e.message)).toEqual([
        'm10',
        'm11',
        'm12',
        'b10',
        'b11',
      ]);
    });
  });

  describe('alerts', () => {
    it('inserts, lists by name and removes rules; a taken name is ALREADY_EXISTS', async () => {
      const store = await fresh();
      const spec = { name: 'b', when: 'restarts > 3 in 5m', notify: ['log'] };
      const inserted = await store.alerts.insert({ name: 'b', spec });
      expect(inserted).toEqual({ name: 'b', spec, createdAt: expect.any(String) });
      await store.alerts.insert({ name: 'a', spec: { name: 'a' } });
      expect((await store.alerts.list()).map((a) => a.name)).toEqual(['a', 'b']);
      expect((await store.alerts.list())[1]).toEqual(inserted);
      const error = await rejection(store.alerts.insert({ name: 'b', spec: {} }));
      expect(error).toMatchObject({ code: 'ALREADY_EXISTS', message: "an alert named 'b' already exists" });
      expect(await store.alerts.remove('b')).toBe(true);
      expect(await store.alerts.remove('b')).toBe(false);
      expect((await store.alerts.list()).map((a) => a.name)).toEqual(['a']);
    });
  });

  describe('sessions', () => {
    it('records an opened session, then its close with the final figures', async () => {
      const store = await fresh();
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
    });

    it('keeps the first record of an id and the first close', async () => {
      const store = await fresh();
      await store.sessions.recordOpened(opened(1));
      expect(await store.sessions.recordOpened({ ...opened(1), server: 'other' })).toBe(false);
      expect(await store.sessions.recordClosed('s1', CLOSE)).toBe(true);
      expect(await store.sessions.recordClosed('s1', { ...CLOSE, reason: 'again' })).toBe(false);
      expect(await store.sessions.recordClosed('ghost', CLOSE)).toBe(false);
      expect(await store.sessions.get('s1')).toMatchObject({ server: 'everything', closeReason: CLOSE.reason });
      expect(await store.sessions.get('ghost')).toBeUndefined();
    });

    it('lists the most recently started first, by server, closed only, up to the limit', async () => {
      const store = await fresh();
      // Recorded out of start order: the order comes from started_at, not from insertion.
      for (const n of [3, 1, 4, 2, 5]) await store.sessions.recordOpened(opened(n, n % 2 ? 'a' : 'b'));
      await store.sessions.recordClosed('s1', CLOSE);
      await store.sessions.recordClosed('s4', CLOSE);
      const ids = async (query: Parameters<Store['sessions']['listRecent']>[0]) =>
        (await store.sessions.listRecent(query)).map((s) => s.id);
      expect(await ids({ limit: 10 })).toEqual(['s5', 's4', 's3', 's2', 's1']);
      expect(await ids({ limit: 2 })).toEqual(['s5', 's4']);
      expect(await ids({ server: 'a', limit: 10 })).toEqual(['s5', 's3', 's1']);
      expect(await ids({ limit: 10, closedOnly: true })).toEqual(['s4', 's1']);
      expect(await ids({ server: 'a', limit: 10, closedOnly: true })).toEqual(['s1']);
      expect(await ids({ server: 'nobody', limit: 10 })).toEqual([]);
    });

    it('closes what a previous daemon left open, once, keeping closed rows as they were', async () => {
      const { store: first, reopen } = await open();
      for (const n of [1, 2, 3]) await first.sessions.recordOpened(opened(n));
      await first.sessions.recordClosed('s2', CLOSE);
      await first.close();
      const second = await reopen();
      expect(await second.sessions.closeDangling('2025-02-01T00:00:00.000Z', 'node-a')).toBe(2);
      expect(await second.sessions.closeDangling('2025-03-01T00:00:00.000Z', 'node-a')).toBe(0);
      expect(await second.sessions.get('s1')).toMatchObject({
        closedAt: '2025-02-01T00:00:00.000Z',
        closeReason: 'daemon restarted',
        lastActivity: opened(1).lastActivity,
      });
      expect(await second.sessions.get('s2')).toMatchObject({ closedAt: CLOSE.closedAt, closeReason: CLOSE.reason });
    });

    it("records each session's owner node; closing the dangling ones of a node leaves the other nodes' open", async () => {
      const [a, b] = await (async () => {
        const { store, reopen } = await open();
        return [store, await reopen()];
      })();
      await a.sessions.recordOpened(opened(1, 'everything', 'node-a'));
      await b.sessions.recordOpened(opened(2, 'everything', 'node-b'));
      // Recorded before sessions had an owner: whoever starts first ends it.
      await a.sessions.recordOpened(opened(3, 'everything', null));
      expect(await b.sessions.get('s1')).toMatchObject({ node: 'node-a', closedAt: null });
      expect(await b.sessions.closeDangling('2025-02-01T00:00:00.000Z', 'node-b')).toBe(2);
      expect(await a.sessions.get('s1')).toMatchObject({ node: 'node-a', closedAt: null, closeReason: null });
      expect(await a.sessions.get('s2')).toMatchObject({ node: 'node-b', closeReason: 'daemon restarted' });
      expect(await a.sessions.get('s3')).toMatchObject({ node: null, closeReason: 'daemon restarted' });
      expect(await a.sessions.closeDangling('2025-02-01T00:00:00.000Z', 'node-a')).toBe(1);
    });

    it('keeps only the newest maxSessions closed rows, and spares open ones until they close', async () => {
      const store = await fresh({ maxSessions: 3 });
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
    });

    it('has no foreign key to servers: the history of a removed server stays', async () => {
      const store = await fresh();
      await store.servers.insert({ name: 'everything', transport: 'stdio', spec: {} });
      await store.sessions.recordOpened(opened(1));
      await store.sessions.recordOpened(opened(2, 'never-defined'));
      expect(await store.servers.remove('everything')).toBe(true);
      expect(await store.sessions.get('s1')).toMatchObject({ server: 'everything' });
      expect(await store.sessions.get('s2')).toMatchObject({ server: 'never-defined' });
    });
  });

  describe('profiles', () => {
    it('inserts, gets, lists by name, updates and removes definitions, kept across a reopen', async () => {
      const { store, reopen } = await open();
      const spec = { name: 'work', members: [{ server: 'fs', env: {} }] };
      const inserted = await store.profiles.insert({ name: 'work', spec });
      expect(inserted).toMatchObject({ name: 'work', spec });
      expect(inserted.updatedAt).toBe(inserted.createdAt);
      await store.profiles.insert({ name: 'home', spec: { name: 'home' } });
      expect((await store.profiles.list()).map((p) => p.name)).toEqual(['home', 'work']);
      const changed = { ...spec, description: 'the day job' };
      const [updated] = await store.profiles.update([{ name: 'work', spec: changed }]);
      expect(updated).toMatchObject({ name: 'work', spec: changed, createdAt: inserted.createdAt });
      await store.close();

      const reopened = await reopen();
      expect((await reopened.profiles.get('work'))?.spec).toEqual(changed);
      expect(await reopened.profiles.remove('home')).toBe(true);
      expect(await reopened.profiles.remove('home')).toBe(false);
      expect(await reopened.profiles.get('home')).toBeUndefined();
    });

    it('refuses a taken name with ALREADY_EXISTS and keeps the first definition', async () => {
      const store = await fresh();
      await store.profiles.insert({ name: 'work', spec: { name: 'work', description: 'first' } });
      const error = await rejection(store.profiles.insert({ name: 'work', spec: { name: 'work' } }));
      expect(error).toBeInstanceOf(McpctlError);
      expect(error).toMatchObject({ code: 'ALREADY_EXISTS', message: "a profile named 'work' already exists" });
      expect((await store.profiles.get('work'))?.spec).toEqual({ name: 'work', description: 'first' });
    });

    it('updates several profiles in one transaction: one unknown name changes none of them', async () => {
      const store = await fresh();
      await store.profiles.insert({ name: 'a', spec: { name: 'a', description: 'a0' } });
      const error = await rejection(
        store.profiles.update([
          { name: 'a', spec: { name: 'a', description: 'a1' } },
          { name: 'ghost', spec: { name: 'ghost' } },
        ]),
      );
      expect(error).toMatchObject({ code: 'NOT_FOUND', message: "no profile named 'ghost'" });
      expect((await store.profiles.get('a'))?.spec).toEqual({ name: 'a', description: 'a0' });
    });

    it('keeps the current profile, refuses an unknown one, and forgets it when that profile is removed', async () => {
      const { store, reopen } = await open();
      expect(await store.profiles.current()).toBeNull();
      await store.profiles.insert({ name: 'a', spec: { name: 'a' } });
      await store.profiles.insert({ name: 'b', spec: { name: 'b' } });
      await store.profiles.setCurrent('a');
      await store.profiles.setCurrent('b');
      expect(await store.profiles.current()).toBe('b');
      const error = await rejection(store.profiles.setCurrent('ghost'));
      expect(error).toMatchObject({ code: 'NOT_FOUND', message: "no profile named 'ghost'" });
      expect(await store.profiles.current()).toBe('b');
      await store.close();

      const reopened = await reopen();
      expect(await reopened.profiles.current()).toBe('b');
      await reopened.profiles.remove('b');
      expect(await reopened.profiles.current()).toBeNull();
      await reopened.profiles.setCurrent('a');
      await reopened.profiles.setCurrent(null);
      expect(await reopened.profiles.current()).toBeNull();
    });
  });

  describe('secrets', () => {
    it('puts (creating, then replacing with its creation time kept), gets, lists by name, removes', async () => {
      const store = await fresh();
      const first = await store.secrets.put('B', sealed('b1'));
      expect(first.created).toBe(true);
      expect(first.secret).toEqual({
        name: 'B',
        ciphertext: Buffer.from('cipher-b1'),
        nonce: Buffer.from('nonce-b1'),
        keyId: 'key-1',
        createdAt: expect.any(String),
        updatedAt: first.secret.createdAt,
      });
      await pause(5);
      const again = await store.secrets.put('B', sealed('b2', 'key-2'));
      expect(again.created).toBe(false);
      expect(again.secret).toMatchObject({ ciphertext: Buffer.from('cipher-b2'), keyId: 'key-2' });
      expect(again.secret.createdAt).toBe(first.secret.createdAt);
      expect(again.secret.updatedAt > first.secret.updatedAt).toBe(true);
      await store.secrets.put('A', sealed('a'));
      expect(await store.secrets.get('B')).toEqual(again.secret);
      expect(await store.secrets.get('C')).toBeUndefined();
      expect((await store.secrets.list()).map((s) => s.name)).toEqual(['A', 'B']);
      expect(Buffer.isBuffer((await store.secrets.list())[0]?.ciphertext)).toBe(true);
      expect(await store.secrets.remove('A')).toBe(true);
      expect(await store.secrets.remove('A')).toBe(false);
      expect((await store.secrets.list()).map((s) => s.name)).toEqual(['B']);
    });

    it('keeps bytes exactly, every byte value', async () => {
      const store = await fresh();
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await store.secrets.put('raw', { ciphertext: bytes, nonce: bytes.subarray(0, 12), keyId: 'k' });
      const read = await store.secrets.get('raw');
      expect(read?.ciphertext.equals(bytes)).toBe(true);
      expect(read?.nonce.equals(bytes.subarray(0, 12))).toBe(true);
    });

    it('names the distinct key ids, sorted', async () => {
      const store = await fresh();
      expect(await store.secrets.keyIds()).toEqual([]);
      await store.secrets.put('A', sealed('a', 'k2'));
      await store.secrets.put('B', sealed('b', 'k1'));
      await store.secrets.put('C', sealed('c', 'k2'));
      expect(await store.secrets.keyIds()).toEqual(['k1', 'k2']);
    });

    it('reseals every secret in one transaction: a failure half-way changes none', async () => {
      const store = await fresh();
      for (const name of ['A', 'B', 'C']) await store.secrets.put(name, sealed(name.toLowerCase()));
      let calls = 0;
      const failing = await rejection(
        store.secrets.resealAll((secret) => {
          if (++calls === 2) throw new Error('reseal failed');
          return sealed(`${secret.name}-new`, 'key-2');
        }),
      );
      expect((failing as Error).message).toContain('reseal failed');
      expect(await store.secrets.keyIds()).toEqual(['key-1']);
      expect((await store.secrets.get('A'))?.ciphertext.toString()).toBe('cipher-a');

      const seen: string[] = [];
      const count = await store.secrets.resealAll((secret) => {
        seen.push(`${secret.name}:${secret.ciphertext.toString()}`);
        return sealed(`${secret.name}-new`, 'key-2');
      });
      expect(count).toBe(3);
      expect(seen).toEqual(['A:cipher-a', 'B:cipher-b', 'C:cipher-c']);
      expect(await store.secrets.keyIds()).toEqual(['key-2']);
      expect((await store.secrets.get('B'))?.ciphertext.toString()).toBe('cipher-B-new');
      expect(await store.secrets.resealAll(() => sealed('x'))).toBe(3);
    });
  });

  describe('audit', () => {
    it('appends in order and lists the newest matching rows oldest first, by time, principal, server', async () => {
      const store = await fresh();
      await store.audit.append([]);
      await store.audit.append([
        auditEntry(1),
        auditEntry(2, { principal: 'ci', principalKind: 'token', role: 'operator', server: 'a', tool: 'echo' }),
        auditEntry(3, { server: 'a', outcome: 'error', error: 'NOT_FOUND', session: 'sess-1' }),
      ]);
      await store.audit.append([auditEntry(4, { principal: 'ci', principalKind: 'token', server: 'b' })]);
      const all = await store.audit.list({ limit: 100 });
      expect(all.map((row) => row.method)).toEqual(['m1', 'm2', 'm3', 'm4']);
      expect(all[2]).toEqual({
        id: expect.any(Number),
        ...auditEntry(3, { server: 'a', outcome: 'error', error: 'NOT_FOUND', session: 'sess-1' }),
      });
      expect(all.map((row) => row.id)).toEqual([...all.map((row) => row.id)].sort((x, y) => x - y));
      const methods = async (query: Parameters<Store['audit']['list']>[0]) =>
        (await store.audit.list(query)).map((row) => row.method);
      expect(await methods({ limit: 2 })).toEqual(['m3', 'm4']);
      expect(await methods({ principal: 'ci', limit: 100 })).toEqual(['m2', 'm4']);
      expect(await methods({ server: 'a', limit: 100 })).toEqual(['m2', 'm3']);
      expect(await methods({ since: auditEntry(3).time, limit: 100 })).toEqual(['m3', 'm4']);
      expect(await methods({ principal: 'ci', server: 'a', since: auditEntry(2).time, limit: 100 })).toEqual(['m2']);
    });

    it('prunes all but the newest maxRows and those older than the cut, saying how many went', async () => {
      const store = await fresh();
      await store.audit.append([1, 2, 3, 4, 5, 6].map((n) => auditEntry(n)));
      expect(await store.audit.prune({ maxRows: 4, olderThan: '2000-01-01T00:00:00.000Z' })).toBe(2);
      expect((await store.audit.list({ limit: 100 })).map((row) => row.method)).toEqual(['m3', 'm4', 'm5', 'm6']);
      expect(await store.audit.prune({ maxRows: 100, olderThan: auditEntry(5).time })).toBe(2);
      expect((await store.audit.list({ limit: 100 })).map((row) => row.method)).toEqual(['m5', 'm6']);
      expect(await store.audit.prune({ maxRows: 100, olderThan: '2000-01-01T00:00:00.000Z' })).toBe(0);
    });
  });

  describe('tokens', () => {
    it('inserts, lists by name, touches and removes tokens; a taken name is ALREADY_EXISTS', async () => {
      const store = await fresh();
      const scoped = await store.tokens.insert({
        name: 'ci',
        hash: 'h1',
        role: 'operator',
        scope: { servers: ['a', 'b'], profiles: ['p'] },
        readOnly: true,
        expiresAt: '2030-01-01T00:00:00.000Z',
      });
      expect(scoped).toEqual({
        name: 'ci',
        hash: 'h1',
        role: 'operator',
        scope: { servers: ['a', 'b'], profiles: ['p'] },
        readOnly: true,
        createdAt: expect.any(String),
        expiresAt: '2030-01-01T00:00:00.000Z',
        lastUsedAt: null,
      });
      await store.tokens.insert({
        name: 'all',
        hash: 'h2',
        role: 'viewer',
        scope: null,
        readOnly: false,
        expiresAt: null,
      });
      expect((await store.tokens.list()).map((t) => [t.name, t.scope, t.readOnly])).toEqual([
        ['all', null, false],
        ['ci', { servers: ['a', 'b'], profiles: ['p'] }, true],
      ]);
      const taken = await rejection(
        store.tokens.insert({ name: 'ci', hash: 'h3', role: 'viewer', scope: null, readOnly: false, expiresAt: null }),
      );
      expect(taken).toMatchObject({ code: 'ALREADY_EXISTS', message: "a token named 'ci' already exists" });

      await store.tokens.touch('ci', '2026-05-05T00:00:00.000Z');
      await store.tokens.touch('ghost', '2026-05-05T00:00:00.000Z');
      expect((await store.tokens.list()).find((t) => t.name === 'ci')?.lastUsedAt).toBe('2026-05-05T00:00:00.000Z');
      expect(await store.tokens.remove('ci')).toBe(true);
      expect(await store.tokens.remove('ci')).toBe(false);
      expect((await store.tokens.list()).map((t) => t.name)).toEqual(['all']);
    });
  });

  // Two handles on ONE database: two daemons sharing a store, contending for real.
  describe('nodes and leases', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    const twoHandles = async (): Promise<[Store, Store]> => {
      const { store, reopen } = await open();
      return [store, await reopen()];
    };

    it('a heartbeat upserts the node, seen by the other handle, live until the TTL passes', async () => {
      const [a, b] = await twoHandles();
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

      expect(listed[0]).toMatchObject({ url: null, fingerprint: null });
      expect(await b.nodes.remove('n1')).toBe(true);
      expect(await a.nodes.remove('n1')).toBe(false);
      expect((await a.nodes.list(60_000)).map((node) => node.name)).toEqual(['n2']);
    });

    it("a heartbeat writes the node's listener URL and fingerprint, replaced (or cleared) by the next", async () => {
      const [a, b] = await twoHandles();
      const where = { url: 'https://10.0.0.1:8443', fingerprint: 'AB:CD' };
      expect(await a.nodes.heartbeat({ name: 'n1', version: '1', load: {}, ...where })).toMatchObject(where);
      expect((await b.nodes.list(60_000))[0]).toMatchObject({ name: 'n1', ...where });
      await a.nodes.heartbeat({ name: 'n1', version: '1', load: {}, url: 'https://n1:9443', fingerprint: 'EF' });
      expect((await b.nodes.list(60_000))[0]).toMatchObject({ url: 'https://n1:9443', fingerprint: 'EF' });
      await a.nodes.heartbeat({ name: 'n1', version: '1', load: {} });
      expect((await b.nodes.list(60_000))[0]).toMatchObject({ url: null, fingerprint: null });
    });

    it('only one node acquires; renewing keeps it; after the TTL the other takes it with a higher fence', async () => {
      const [a, b] = await twoHandles();
      const [grantA, grantB] = await Promise.all([
        a.leases.acquire('server/memory', 'node-a', 600),
        b.leases.acquire('server/memory', 'node-b', 600),
      ]);
      // Either may win the race; exactly one does, and both are told who.
      expect([grantA.held, grantB.held].filter(Boolean)).toHaveLength(1);
      const [winner, loser] = grantA.held
        ? [
            { store: a, node: 'node-a' },
            { store: b, node: 'node-b' },
          ]
        : [
            { store: b, node: 'node-b' },
            { store: a, node: 'node-a' },
          ];
      const won = grantA.held ? grantA : grantB;
      expect(won).toMatchObject({ holder: winner.node, fence: 1 });
      expect(grantA.held ? grantB : grantA).toMatchObject({ holder: winner.node, fence: 1, expiresAt: won.expiresAt });

      // Renewed four times across more than one TTL: the loser never gets it.
      for (let i = 0; i < 4; i++) {
        await sleep(200);
        const renewed = await winner.store.leases.acquire('server/memory', winner.node, 600);
        expect(renewed).toMatchObject({ held: true, holder: winner.node, fence: 1 });
        expect(await loser.store.leases.acquire('server/memory', loser.node, 600)).toMatchObject({
          held: false,
          holder: winner.node,
        });
      }

      await sleep(650); // the winner stopped renewing
      const taken = await loser.store.leases.acquire('server/memory', loser.node, 600);
      expect(taken).toMatchObject({ held: true, holder: loser.node, fence: 2 });
      expect(await winner.store.leases.acquire('server/memory', winner.node, 600)).toMatchObject({
        held: false,
        holder: loser.node,
        fence: 2,
      });
      expect(await a.leases.list()).toEqual([
        { resource: 'server/memory', holder: loser.node, fence: 2, expiresAt: taken.expiresAt, live: true },
      ]);
    });

    it('a release frees the lease at once and the fence still grows', async () => {
      const [a, b] = await twoHandles();
      await a.leases.acquire('server/x', 'node-a', 60_000);
      expect(await b.leases.release('server/x', 'node-b')).toBe(false);
      expect(await a.leases.release('server/x', 'node-a')).toBe(true);
      expect(await a.leases.release('server/x', 'node-a')).toBe(false);
      expect((await b.leases.list())[0]).toMatchObject({ holder: 'node-a', live: false });
      expect(await b.leases.acquire('server/x', 'node-b', 60_000)).toMatchObject({ held: true, fence: 2 });
      expect(await a.leases.acquire('server/x', 'node-a', 60_000)).toMatchObject({ held: false, holder: 'node-b' });
    });

    it("a node whose clock is ten minutes ahead cannot steal a live lease (times are the database's)", async () => {
      const [a, b] = await twoHandles();
      const held = await a.leases.acquire('server/x', 'node-a', 5_000);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 10 * 60_000);
      expect(await b.leases.acquire('server/x', 'node-b', 5_000)).toMatchObject({ held: false, holder: 'node-a' });
      const beat = await b.nodes.heartbeat({ name: 'node-b', version: '1', load: {} });
      expect(beat.lastHeartbeatAt < new Date().toISOString()).toBe(true);
      expect(beat.lastHeartbeatAt < held.expiresAt).toBe(true);
    });
  });

  describe('the store', () => {
    it('keeps every repository across close and reopen, and close is idempotent', async () => {
      const { store: first, reopen } = await open();
      const server = await first.servers.insert({ name: 'memory', transport: 'stdio', spec: { command: 'node' } });
      const instance = await first.instances.update('memory', { desired: 'running', restarts: 3 });
      const event = await first.events.append({
        server: 'memory',
        type: 'instance.started',
        message: 'up',
        data: { n: 1 },
      });
      const { secret } = await first.secrets.put('K', sealed('k'));
      const token = await first.tokens.insert({
        name: 't',
        hash: 'h',
        role: 'viewer',
        scope: null,
        readOnly: false,
        expiresAt: null,
      });
      const alert = await first.alerts.insert({ name: 'al', spec: { name: 'al' } });
      await first.sessions.recordOpened(opened(1));
      await first.audit.append([auditEntry(1)]);
      await first.close();
      await first.close();

      const second = await reopen();
      expect(await second.servers.list()).toEqual([server]);
      expect(await second.instances.list()).toEqual([instance]);
      expect(await second.events.list({ limit: 10 })).toEqual([event]);
      expect(await second.secrets.list()).toEqual([secret]);
      expect(await second.tokens.list()).toEqual([token]);
      expect(await second.alerts.list()).toEqual([alert]);
      expect((await second.sessions.get('s1'))?.id).toBe('s1');
      expect((await second.audit.list({ limit: 10 })).map((row) => row.method)).toEqual(['m1']);
    });

    it('refuses a maxEvents or maxSessions below 1 with INVALID_ARGUMENT', async () => {
      for (const options of [{ maxEvents: 0 }, { maxSessions: 0 }]) {
        const error = await rejection(Promise.resolve().then(() => backend.open(options)));
        expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
      }
    });
  });
}
