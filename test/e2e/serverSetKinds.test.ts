import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, it } from 'vitest';
import type { ServerDetail } from '../../src/core/api.js';
import { FIXTURES, ROOT, waitFor } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { startHeaderEcho } from '../helpers/headerEcho.js';
import { connectHttp, type HttpSession } from '../helpers/mcpClient.js';

const h = useE2eHome();
const ENV_REPORT = join(FIXTURES, 'envReport.mjs');
const FILESYSTEM = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

async function open(name: string): Promise<HttpSession> {
  const { url } = await h.json<{ url: string }>(['server', 'url', name]);
  return connectHttp(url, new Client({ name: 'server-set-kinds', version: '1.0.0' }));
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as { text: string }[])[0]?.text ?? '';
}

describe('server set on each kind of server', () => {
  it('a new request timeout applies at once, without a restart', async () => {
    const added = await h.run(['server', 'add', 'deadline', ...h.mark('deadline'), '--', process.execPath, ENV_REPORT]);
    expect(added.code, added.stderr).toBe(0);
    const { pid } = await h.json<ServerDetail>(['server', 'show', 'deadline']);
    const session = await open('deadline');
    try {
      const set = await h.run(['server', 'set', 'deadline', '--request-timeout', '300ms']);
      expect(set.stdout).toBe('updated server deadline: applied in place, no restart (running)\n');
      const slow = await session.client.callTool({ name: 'slow', arguments: { ms: 5000 } }).then(
        () => 'answered',
        (error: Error) => error.message,
      );
      expect(slow).toMatch(/server 'deadline' did not answer tools\/call within 300ms \(its --request-timeout\)/);
      expect((await h.json<ServerDetail>(['server', 'show', 'deadline'])).pid).toBe(pid);
    } finally {
      await session.close();
    }
  });

  it('an http server reconnects with its new headers; its open session carries on', async () => {
    const upstream = await startHeaderEcho();
    try {
      const added = await h.run(['server', 'add', 'remote', '--url', upstream.url, '--header', 'X-Team: one']);
      expect(added.code, added.stderr).toBe(0);
      const session = await open('remote');
      try {
        const headers = async () =>
          JSON.parse(textOf(await session.client.callTool({ name: 'request-headers', arguments: {} })));
        expect((await headers())['x-team']).toBe('one');

        const set = await h.run(['server', 'set', 'remote', '--header', 'X-Team: two', '--header', 'X-New: yes']);

        expect(set.code, set.stderr).toBe(0);
        expect(set.stdout).toBe('updated server remote: rolled over to a new connection (running)\n');
        expect(await headers()).toMatchObject({ 'x-team': 'two', 'x-new': 'yes' });
        const unset = await h.run(['server', 'set', 'remote', '--unset-header', 'x-new']);
        expect(unset.code, unset.stderr).toBe(0);
        expect(await headers()).not.toHaveProperty('x-new');
        expect((await h.json<ServerDetail>(['server', 'show', 'remote'])).headers).toEqual({ 'X-Team': 'two' });
      } finally {
        await session.close();
      }
    } finally {
      upstream.kill();
    }
  });

  it('an isolated server gives new sessions processes of the new definition', async () => {
    const added = await h.run([
      'server',
      'add',
      'solo',
      '--share',
      'isolated',
      '--env',
      'MODE=one',
      ...h.mark('solo'),
      '--',
      process.execPath,
      ENV_REPORT,
    ]);
    expect(added.code, added.stderr).toBe(0);
    const report = async (session: HttpSession) =>
      JSON.parse(textOf(await session.client.callTool({ name: 'env', arguments: { name: 'MODE' } })));
    const first = await open('solo');
    expect((await report(first)).value).toBe('one');

    const set = await h.run(['server', 'set', 'solo', '--env', 'MODE=two', '--pool', '2']);

    expect(set.code, set.stderr).toBe(0);
    // Its open session ended with the old pool (documented): a client reconnects, as after a restart.
    await expect(report(first)).rejects.toThrow();
    await first.close();
    expect(set.stdout).toBe(
      'updated server solo: rolled over to a new pool of processes (open sessions ended with the old one) (running)\n',
    );
    const second = await open('solo');
    try {
      expect((await report(second)).value).toBe('two');
      const view = await waitFor('the new pool: one leased and two warm', async () => {
        const shown = await h.json<ServerDetail>(['server', 'show', 'solo']);
        return shown.processes.length === 3 ? shown : undefined;
      });
      expect(view.sharing).toEqual({ mode: 'isolated', pool: 2, maxSessions: 64 });
      await waitFor('only the new pool left', () => (h.serverPids('solo').length === 3 ? true : undefined));
    } finally {
      await second.close();
    }
  });

  it('an isolated server with no warm pool still proves its new command before it takes over', async () => {
    const added = await h.run([
      'server',
      'add',
      'cold',
      '--share',
      'isolated',
      '--pool',
      '0',
      '--env',
      'MODE=one',
      ...h.mark('cold'),
      '--',
      process.execPath,
      ENV_REPORT,
    ]);
    expect(added.code, added.stderr).toBe(0);
    const set = await h.run([
      'server',
      'set',
      'cold',
      '--env',
      'HANG_ON_INITIALIZE=1',
      '--start-timeout',
      '500ms',
      '--',
      process.execPath,
      join(FIXTURES, 'hang.mjs'),
    ]);
    expect(set.code, set.stderr).toBe(5);
    expect(set.stderr).toContain("the new definition of 'cold' did not come up");
    const session = await open('cold');
    try {
      const result = await session.client.callTool({ name: 'env', arguments: { name: 'MODE' } });
      expect(JSON.parse(textOf(result)).value).toBe('one');
    } finally {
      await session.close();
    }
  });

  it('a shared server rolled over for new roots gets them from the daemon, its session kept', async () => {
    const dirs = realpathSync(mkdtempSync(join(tmpdir(), 'mcpctl-set-roots-')));
    const [first, second] = ['first', 'second'].map((name) => {
      mkdirSync(join(dirs, name));
      return join(dirs, name);
    }) as [string, string];
    try {
      const added = await h.run(['server', 'add', 'files', '--root', first, '--', process.execPath, FILESYSTEM]);
      expect(added.code, added.stderr).toBe(0);
      const session = await open('files');
      try {
        const allowed = async () =>
          textOf(await session.client.callTool({ name: 'list_allowed_directories', arguments: {} }));
        await waitFor('the first root', async () => ((await allowed()).includes(first) ? true : undefined));

        const set = await h.run(['server', 'set', 'files', '--root', second, '--unset-root', first]);

        expect(set.code, set.stderr).toBe(0);
        expect(set.stdout).toMatch(/^updated server files: rolled over to a new process \(pid \d+\) \(running\)\n$/);
        const now = await waitFor('the second root', async () => {
          const text = await allowed();
          return text.includes(second) ? text : undefined;
        });
        expect(now).not.toContain(first);
        expect((await h.json<ServerDetail>(['server', 'show', 'files'])).roots).toEqual([second]);
      } finally {
        await session.close();
      }
    } finally {
      rmSync(dirs, { recursive: true, force: true });
    }
  });
});
