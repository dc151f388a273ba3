import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { McpctlError } from '../../../src/shared/errors.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import type { Store } from '../../../src/store/types.js';
import { mountSmallDisk, type SmallDisk } from '../../helpers/tmpfs.js';

let disk: SmallDisk | undefined;
let store: Store | undefined;
afterEach(() => {
  store?.close();
  disk?.unmount();
  store = undefined;
  disk = undefined;
});

async function refusal(write: Promise<unknown>): Promise<McpctlError> {
  const error = await write.then(
    () => new Error('the write succeeded on a full disk'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpctlError);
  return error as McpctlError;
}

describe('the store on a full disk', () => {
  it('F6: rejects every write with "disk full", keeps what was committed, and writes again once space returns', async (ctx) => {
    const mounted = mountSmallDisk('2m');
    if ('skip' in mounted) return ctx.skip(mounted.skip);
    disk = mounted;
    const path = join(disk.dir, 'mcpctl.db');
    store = openSqliteStore({ path, logger: silentLogger });
    await store.servers.insert({ name: 'kept', transport: 'stdio', spec: { command: 'node' } });
    await store.profiles.insert({ name: 'kept', spec: { name: 'kept' } });

    disk.fill();
    const big = { command: 'node', args: ['x'.repeat(8000)] };
    const writes: Array<[string, Promise<unknown>]> = [
      ['servers.insert', store.servers.insert({ name: 'lost', transport: 'stdio', spec: big })],
      ['servers.update', store.servers.update({ name: 'kept', transport: 'stdio', spec: big })],
      ['instances.update', store.instances.update('kept', { state: 'running', lastError: 'x'.repeat(8000) })],
      ['profiles.insert', store.profiles.insert({ name: 'lost', spec: { description: 'x'.repeat(8000) } })],
      ['profiles.update', store.profiles.update([{ name: 'kept', spec: { description: 'x'.repeat(8000) } }])],
      ['profiles.setCurrent', store.profiles.setCurrent('kept')],
      ['events.append', store.events.append({ server: 'kept', type: 'added', message: 'x'.repeat(8000) })],
      [
        'sessions.recordOpened',
        store.sessions.recordOpened({
          id: 's'.repeat(32),
          server: 'kept',
          transport: 'streamable-http',
          clientName: 'x'.repeat(8000),
          clientVersion: null,
          protocolVersion: null,
          startedAt: new Date().toISOString(),
          lastActivity: new Date().toISOString(),
          requests: 0,
          errors: 0,
          node: 'node-a',
        }),
      ],
    ];
    for (const [what, write] of writes) {
      const error = await refusal(write);
      expect(error.code, what).toBe('STORE_WRITE_FAILED');
      expect(error.exitCode, what).toBe(1);
      expect(error.message, what).toMatch(new RegExp(`^disk full: could not write to the database ${path}`));
      expect(error.hint, what).toContain(`free some space on the file system that holds ${disk.dir}`);
    }
    // Reads still work, and none of the refused writes is there.
    expect((await store.servers.list()).map((server) => server.name)).toEqual(['kept']);
    expect((await store.servers.get('kept'))?.spec).toEqual({ command: 'node' });
    expect(await store.profiles.list()).toMatchObject([{ name: 'kept', spec: { name: 'kept' } }]);
    expect(await store.profiles.current()).toBeNull();

    disk.free();
    await store.servers.insert({ name: 'later', transport: 'stdio', spec: big });
    store.close();
    store = openSqliteStore({ path, logger: silentLogger });
    expect((await store.servers.list()).map((server) => server.name)).toEqual(['kept', 'later']);
  });
});
