import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/shared/logger.js';
import { openPostgresStore } from '../../src/store/postgres/postgresStore.js';
import type { Store, StoreChange } from '../../src/store/types.js';
import { waitFor } from '../helpers/cli.js';
import { usePostgres } from '../helpers/postgres.js';

/**
 * The PostgreSQL change feed on two handles of one database, as two nodes hold it: each committed
 * write of one reaches the other's subscribers (NOTIFY from the write's own transaction), names only;
 * its own writes, rolled-back ones and token touches do not; after an outage it reconnects and says
 * `resync`. SQLite has no feed (one node).
 */
const cluster = usePostgres();

interface Heard {
  changes: StoreChange[];
  resyncs: number;
  unsubscribe(): void;
}

function listen(store: Store): Heard {
  const heard: Heard = { changes: [], resyncs: 0, unsubscribe: () => {} };
  if (!store.changes) throw new Error('no change feed');
  heard.unsubscribe = store.changes.subscribe({
    change: (change) => heard.changes.push(change),
    resync: () => {
      heard.resyncs++;
    },
  });
  return heard;
}

const sealed = { ciphertext: Buffer.from('c'), nonce: Buffer.from('n'), keyId: 'k' };

describe('the PostgreSQL change feed', () => {
  let stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores) await store.close();
    stores = [];
  });
  const nodes = async (): Promise<{ url: string; alpha: Store; beta: Store }> => {
    const { url } = await cluster().createDatabase();
    const alpha = await openPostgresStore({ url, logger: silentLogger, node: 'alpha' });
    const beta = await openPostgresStore({ url, logger: silentLogger, node: 'beta' });
    stores.push(alpha, beta);
    return { url, alpha, beta };
  };
  const listening = async (store: Store, count = 1): Promise<Heard> => {
    const heard = listen(store);
    await waitFor('the feed to listen', () => (heard.resyncs >= count ? true : undefined), 10_000);
    return heard;
  };

  it("tells one node every other node's committed change, in order, with names only", async () => {
    const { alpha, beta } = await nodes();
    const heard = await listening(beta);
    expect(heard.resyncs).toBe(1);

    await alpha.servers.insert({ name: 'web', transport: 'stdio', spec: { command: 'x' }, desired: 'running' });
    await alpha.servers.update({ name: 'web', transport: 'stdio', spec: { command: 'y' } });
    await alpha.profiles.insert({ name: 'dev', spec: { members: [] } });
    await alpha.profiles.setCurrent('dev');
    await alpha.tokens.insert({
      name: 'ci',
      hash: 'h1',
      role: 'client',
      scope: null,
      readOnly: false,
      expiresAt: null,
    });
    await alpha.tokens.touch('ci', new Date().toISOString()); // not a change: a busy token must not flood the feed
    await alpha.secrets.put('api-key', sealed);
    await alpha.alerts.insert({ name: 'down', spec: { when: 'down' } });
    await alpha.tokens.remove('ci');
    await alpha.profiles.remove('dev'); // the current profile goes with it
    await alpha.servers.remove('web');
    await alpha.secrets.remove('api-key');
    await alpha.alerts.remove('down');

    const expected: Array<[StoreChange['kind'], string, StoreChange['op']]> = [
      ['server', 'web', 'upsert'],
      ['server', 'web', 'upsert'],
      ['profile', 'dev', 'upsert'],
      ['current-profile', 'dev', 'upsert'],
      ['token', 'ci', 'upsert'],
      ['secret', 'api-key', 'upsert'],
      ['alert', 'down', 'upsert'],
      ['token', 'ci', 'delete'],
      ['profile', 'dev', 'delete'],
      ['current-profile', 'dev', 'delete'],
      ['server', 'web', 'delete'],
      ['secret', 'api-key', 'delete'],
      ['alert', 'down', 'delete'],
    ];
    await waitFor('every change', () => (heard.changes.length >= expected.length ? true : undefined), 5000);
    expect(heard.changes.map(({ kind, name, op }) => [kind, name, op])).toEqual(expected);
    expect(new Set(heard.changes.map((change) => change.node))).toEqual(new Set(['alpha']));
    // Small and valueless: no definition, no ciphertext, nothing but the four fields.
    for (const change of heard.changes) expect(Object.keys(change).sort()).toEqual(['kind', 'name', 'node', 'op']);
  });

  it("skips a node's own writes and those rolled back; a TRUNCATE is a reload of its kind", async () => {
    const { url, alpha, beta } = await nodes();
    const heard = await listening(beta);
    await beta.servers.insert({ name: 'own', transport: 'stdio', spec: {} });
    // Rolled back: profiles.update of one unknown name changes none, and announces none.
    await alpha.profiles.insert({ name: 'p', spec: {} });
    await alpha.profiles
      .update([
        { name: 'p', spec: { a: 1 } },
        { name: 'missing', spec: {} },
      ])
      .catch(() => undefined);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('TRUNCATE alerts');
      // Noise on the channel is dropped, not passed on.
      await admin.query(`NOTIFY mcpctl_changes, 'not json'`);
      await admin.query(`SELECT pg_notify('mcpctl_changes', '{"kind":"server","name":"x"}')`);
      await admin.query("INSERT INTO alerts (name, spec, created_at) VALUES ('by-hand', '{}', 'now')");
    } finally {
      await admin.end();
    }
    await waitFor('the last change', () => (heard.changes.length >= 3 ? true : undefined), 5000);
    expect(heard.changes.map(({ kind, name, op, node }) => [kind, name, op, node])).toEqual([
      ['profile', 'p', 'upsert', 'alpha'],
      ['alert', '', 'reload', ''],
      ['alert', 'by-hand', 'upsert', ''],
    ]);
  });

  it('reconnects by itself after PostgreSQL restarts, says resync, and hears changes again', async () => {
    const { url, alpha, beta } = await nodes();
    const heard = await listening(beta);
    // The harness runs without synchronous commit: a crash may lose the last commits (the migration).
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('CHECKPOINT');
    await admin.end();
    cluster().pause();
    try {
      // Its listening connection is gone: nothing to hear until it is back.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      cluster().resume();
    }
    await waitFor('the feed to listen again', () => (heard.resyncs >= 2 ? true : undefined), 10_000);
    await waitFor('a write to pass', () =>
      alpha.servers.insert({ name: 'after', transport: 'stdio', spec: {} }).then(
        () => true,
        () => undefined,
      ),
    );
    await waitFor('the change after the restart', () =>
      heard.changes.some((change) => change.name === 'after') ? true : undefined,
    );
    heard.unsubscribe();
    await alpha.servers.remove('after');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard.changes.filter((change) => change.name === 'after')).toHaveLength(1);
  });
});
