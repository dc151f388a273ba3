import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { FIXTURES } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { mountSmallDisk, type SmallDisk } from '../helpers/tmpfs.js';

let h: E2eHome | undefined;
let disk: SmallDisk | undefined;
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  await h?.run(['daemon', 'stop'], { timeoutMs: 20_000 });
  disk?.unmount();
  await h?.dispose();
  h = undefined;
  disk = undefined;
});

async function session(url: string, name: string): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  clients.push(client);
  return client;
}

describe('a full disk under the daemon', () => {
  it('F6: server add exits 1 with "disk full" and starts nothing, sessions keep working, adds work once space returns, and a restart shows exactly the acknowledged adds', async (ctx) => {
    const home = e2eHome();
    h = home;
    const mounted = mountSmallDisk('2m', home.home);
    if ('skip' in mounted) return ctx.skip(mounted.skip);
    disk = mounted;
    const sticky = (name: string) => [
      'server',
      'add',
      name,
      ...home.mark(name),
      '--',
      process.execPath,
      join(FIXTURES, 'sticky.mjs'),
    ];
    const names = async () => (await home.json<ServerView[]>(['server', 'ls'])).map((view) => [view.name, view.state]);

    expect((await home.run(['daemon', 'start'])).code).toBe(0);
    const added = await home.run(sticky('before'));
    expect(added.code, added.stderr).toBe(0);
    const url = (await home.run(['server', 'url', 'before'])).stdout.trim();
    const open = await session(url, 'open-before');
    await open.ping();

    disk.fill();
    const refused = await home.run(sticky('refused'));
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/^Error: disk full: could not write to the database .*mcpctl\.db/m);
    expect(refused.stderr).toMatch(/^Hint: free some space on the file system that holds /m);
    // Write first, then act: nothing was started for a definition that was not committed.
    expect(home.serverPids('refused')).toEqual([]);
    expect(await names()).toEqual([['before', 'running']]);

    // A stop that cannot be recorded is refused too: the server keeps running.
    const pid = home.serverPids('before');
    const stop = await home.run(['server', 'stop', 'before']);
    expect(stop.code, stop.stderr).toBe(1);
    expect(stop.stderr).toMatch(/^Error: disk full: /m);
    expect(home.serverPids('before')).toEqual(pid);
    expect(await names()).toEqual([['before', 'running']]);

    const rm = await home.run(['rm', 'before']);
    expect(rm.code, rm.stderr).toBe(1);
    expect(rm.stderr).toMatch(/^Error: disk full: /m);
    expect(home.serverPids('before')).toEqual(pid);

    // So is an edit (write first): neither the definition nor the process changes.
    const set = await home.run(['server', 'set', 'before', '--env', `BIG=${'x'.repeat(8000)}`]);
    expect(set.code, set.stderr).toBe(1);
    expect(set.stderr).toMatch(/^Error: disk full: /m);
    expect(home.serverPids('before')).toEqual(pid);
    expect((await home.json<{ env: Record<string, string> }>(['server', 'show', 'before'])).env).not.toHaveProperty(
      'BIG',
    );

    // The open session works, and so does a new one, whose history cannot be written.
    await open.ping();
    const during = await session(url, 'open-during');
    await during.ping();
    await during.close();
    expect((await home.run(['daemon', 'status'])).code).toBe(0);

    disk.free();
    const later = await home.run(sticky('later'));
    expect(later.code, later.stderr).toBe(0);
    await open.ping();

    expect((await home.run(['daemon', 'stop'])).code).toBe(0);
    expect((await home.run(['daemon', 'start'])).code).toBe(0);
    const after = await home.json<ServerView[]>(['server', 'ls']);
    expect(after.map((view) => view.name)).toEqual(['before', 'later']);
  });
});
