import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/core/auth/tokens.js';
import { ChangeSync } from '../../src/core/cluster/changeSync.js';
import { type ProfileSpec, profileSpecSchema } from '../../src/core/profiles/definition.js';
import { neededInstances } from '../../src/core/profiles/instanceIdentity.js';
import { ProfileRegistry } from '../../src/core/profiles/registry.js';
import type { Supervisor } from '../../src/core/servers/supervisor.js';
import { silentLogger } from '../../src/shared/logger.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import type { ChangeFeed, ChangeListener, Store, StoreChange } from '../../src/store/types.js';
import { FIXTURES, waitFor } from '../helpers/cli.js';
import { makeSupervisor, spec } from '../helpers/supervisor.js';

/**
 * ChangeSync on one node ("here") with a real supervisor, profile registry and token service over
 * a store file another node ("there") writes through its own handle. The feed is driven by the test
 * (PostgreSQL's is tested in test/contract/changeFeed.test.ts): what it is told, or a resync, must
 * leave here's memory as the store has it, through the local code paths.
 */
class DrivenFeed implements ChangeFeed {
  listener: ChangeListener | undefined;
  subscribe(listener: ChangeListener): () => void {
    this.listener = listener;
    return () => {
      this.listener = undefined;
    };
  }
  tell(kind: StoreChange['kind'], name: string, op: StoreChange['op'] = 'upsert'): void {
    this.listener?.change({ kind, name, op, node: 'there' });
  }
}

const SERVER = { transport: 'stdio' as const, command: process.execPath, args: [join(FIXTURES, 'envReport.mjs')] };

describe('ChangeSync', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  });

  async function node(): Promise<{
    feed: DrivenFeed;
    here: { supervisor: Supervisor; profiles: ProfileRegistry; tokens: TokenService };
    there: { supervisor: Supervisor; profiles: ProfileRegistry; tokens: TokenService; store: Store };
  }> {
    const dir = mkdtempSync(join(tmpdir(), 'mcpctl-sync-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const db = join(dir, 'mcpctl.db');
    // As host.ts assembles a node: the profiles' instances kept in step by the supervisor.
    const make = async (home: string) => {
      const store = openSqliteStore({ path: db, logger: silentLogger });
      const profiles = new ProfileRegistry({ store, logger: silentLogger });
      const needs = (specs: readonly ProfileSpec[] = profiles.list().map((entry) => entry.spec)) =>
        neededInstances(specs, (name) => supervisor.specOf(name));
      const made = makeSupervisor(home, { store, needs: () => needs() });
      made.store.close(); // the helper's own handle on a file of the home: unused
      const supervisor = made.supervisor;
      await profiles.load();
      profiles.keepInstancesWith({
        prepare: (next) => supervisor.provide(needs(next)),
        settle: () => supervisor.release(needs()),
      });
      const tokens = new TokenService({ tokens: store.tokens, logger: silentLogger, now: Date.now });
      await tokens.load();
      await supervisor.load();
      cleanups.push(async () => {
        await supervisor.shutdown();
        store.close();
      });
      return { supervisor, profiles, tokens, store };
    };
    const there = await make(join(dir, 'there'));
    const here = await make(join(dir, 'here'));
    const feed = new DrivenFeed();
    const sync = new ChangeSync({
      feed,
      store: here.store,
      logger: silentLogger,
      targets: {
        servers: here.supervisor,
        profiles: here.profiles,
        tokens: here.tokens,
        alerts: { reload: async () => {} },
      },
    });
    sync.start();
    cleanups.push(() => sync.stop());
    return { feed, here, there };
  }

  it('applies a server and the profile that needs it, told at once: its env member gets its instance here', async () => {
    const { feed, here, there } = await node();
    await there.supervisor.add(spec({ name: 'env', ...SERVER, autostart: false }));
    const profile = profileSpecSchema.parse({ name: 'dev', members: [{ server: 'env', env: { EXTRA: '1' } }] });
    await there.profiles.create(profile);
    feed.tell('server', 'env');
    feed.tell('profile', 'dev');
    await waitFor('dev here', () => here.profiles.get('dev'));
    // The member's own instance exists beside the server's, as after a local change.
    const derived = [...(here.supervisor.find('env')?.derived?.keys() ?? [])];
    expect(derived).toHaveLength(1);
    expect(derived[0]).toMatch(/^env@/);

    await there.supervisor.edit('env', (current) => ({ ...current, labels: { team: 'a' } }));
    feed.tell('server', 'env');
    await waitFor('the edit here', () => (here.supervisor.specOf('env')?.labels.team === 'a' ? true : undefined));

    await there.profiles.remove('dev');
    await there.supervisor.remove('env');
    feed.tell('profile', 'dev', 'delete');
    feed.tell('server', 'env', 'delete');
    await waitFor('both gone here', () =>
      here.profiles.get('dev') === undefined && here.supervisor.find('env') === undefined ? true : undefined,
    );
  });

  it('a resync finds what no notification said: servers, profiles and tokens added and removed', async () => {
    const { feed, here, there } = await node();
    await there.supervisor.add(spec({ name: 'old', ...SERVER, autostart: false }));
    feed.tell('server', 'old');
    await waitFor('old here', () => here.supervisor.find('old'));
    const revoked: string[] = [];
    here.tokens.onEnded((name) => revoked.push(name));
    const { token } = await there.tokens.create({
      name: 'gone',
      role: 'client',
      scope: null,
      readOnly: false,
      expiresAt: null,
    });
    feed.tell('token', 'gone');
    await waitFor('the token here', () => (here.tokens.authenticate(token).ok ? true : undefined));

    // Missed while away: nothing told.
    await there.supervisor.remove('old');
    await there.supervisor.add(spec({ name: 'new', ...SERVER, autostart: false }));
    await there.profiles.create(profileSpecSchema.parse({ name: 'p', members: [{ server: 'new' }] }));
    await there.tokens.revoke('gone');
    feed.listener?.resync();
    await waitFor('here to match the store', () =>
      here.supervisor.find('old') === undefined &&
      here.supervisor.find('new') &&
      here.profiles.get('p') &&
      revoked.length
        ? true
        : undefined,
    );
    expect(here.tokens.authenticate(token)).toEqual({ ok: false, reason: 'unknown' });
    expect(revoked).toEqual(['gone']);
  });
});
