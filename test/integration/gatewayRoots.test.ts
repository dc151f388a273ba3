import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, mcpctl, mcpctlJson, ROOT, waitFor } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { connectHttp, type HttpSession } from '../helpers/mcpClient.js';

/** The real server-filesystem, started with no directory: it relies on its client's roots, as VS Code runs it. */
const FILESYSTEM = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

let daemon: TestDaemon;
let dirs: string;

/** A directory holding one file named after it, so a listing shows whose directory it is. */
function directory(name: string): string {
  const path = join(dirs, name);
  mkdirSync(path);
  writeFileSync(join(path, `${name}.txt`), `inside ${name}\n`);
  return path;
}

beforeAll(async () => {
  daemon = await startTestDaemon();
  // realpath: the server reports allowed directories resolved.
  dirs = realpathSync(mkdtempSync(join(tmpdir(), 'mcpctl-roots-')));
});

afterAll(async () => {
  await daemon?.stop();
  if (dirs) rmSync(dirs, { recursive: true, force: true });
});

function addServer(name: string, flags: string[]): Promise<void> {
  return addRunningServer(daemon.home, name, flags, [process.execPath, FILESYSTEM]);
}

/** An SDK client; with `roots`, it declares the roots capability and answers roots/list with them. */
function connect(server: string, roots?: { current: string[] }): Promise<HttpSession> {
  const client = new Client(
    { name: 'roots-test', version: '1.0.0' },
    roots === undefined ? {} : { capabilities: { roots: { listChanged: true } } },
  );
  if (roots !== undefined) {
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: roots.current.map((path) => ({ uri: pathToFileURL(path).href, name: path.split('/').pop() ?? path })),
    }));
  }
  return connectHttp(daemon.endpoint(server), client);
}

async function callText(session: HttpSession, name: string, args: Record<string, unknown> = {}) {
  const result = (await session.client.callTool({ name, arguments: args })) as {
    content: Array<{ text?: string }>;
    isError?: boolean;
  };
  return { text: result.content.map((item) => item.text ?? '').join('\n'), isError: result.isError === true };
}

async function allowed(session: HttpSession): Promise<string> {
  return (await callText(session, 'list_allowed_directories')).text;
}

/** server-filesystem takes its roots a moment after the session starts: poll until it shows `dir`. */
function allowedBecomes(session: HttpSession, dir: string): Promise<string> {
  return waitFor(`the server to allow ${dir}`, async () => {
    const text = await allowed(session);
    return text.includes(dir) ? text : undefined;
  });
}

function serverLog(name: string): string {
  return readFileSync(join(daemon.home, 'logs', `${name}.log`), 'utf8');
}

function daemonLog(): string {
  return readFileSync(join(daemon.home, 'logs', 'daemon.log'), 'utf8');
}

describe('roots through the gateway', () => {
  it('isolated: the session’s own client answers roots/list, also on a warm process, and its list_changed is forwarded', async () => {
    await addServer('fs-isolated', ['--share', 'isolated', '--pool', '1']);
    const mine = directory('mine');
    const later = directory('later');
    const roots = { current: [mine] };
    // The pool's warm process was initialized before this client existed.
    const session = await connect('fs-isolated', roots);
    try {
      const text = await allowedBecomes(session, mine);
      expect(text).not.toContain(later);
      const listing = await callText(session, 'list_directory', { path: mine });
      expect(listing.isError).toBe(false);
      expect(listing.text).toContain('mine.txt');

      roots.current = [later];
      await session.client.sendRootsListChanged();
      expect(await allowedBecomes(session, later)).not.toContain(mine);
    } finally {
      await session.close();
    }
    // Before any client, the warm processes' roots/list got an empty list, not an error they log.
    expect(serverLog('fs-isolated')).not.toMatch(/Failed to request/);
  });

  it('isolated through `mcpctl connect`: the stdio client’s roots reach its process', async () => {
    const bridged = directory('bridged');
    const client = new Client(
      { name: 'roots-bridge', version: '1.0.0' },
      { capabilities: { roots: { listChanged: true } } },
    );
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: [{ uri: pathToFileURL(bridged).href, name: 'bridged' }],
    }));
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'connect', 'fs-isolated'],
        env: { ...process.env, MCPCTL_HOME: daemon.home, NO_COLOR: '1' } as Record<string, string>,
      }),
    );
    try {
      await allowedBecomes({ client, close: async () => {} }, bridged);
    } finally {
      await client.close();
    }
  });

  it('shared: the daemon answers from --root, and one client’s roots never reach another', async () => {
    const configured = directory('configured');
    const secret = directory('secret');
    await addServer('fs-shared', ['--root', configured]);
    const shown = await mcpctlJson<{ roots: string[] }>(daemon.home, ['server', 'show', 'fs-shared']);
    expect(shown.roots).toEqual([configured]);
    const detail = await mcpctl(daemon.home, ['server', 'show', 'fs-shared']);
    expect(detail.stdout).toMatch(new RegExp(`Roots:\\s+${configured}`));

    // A, alone on the server, announces roots: had that reached the server, it would have asked
    // for roots, A (its only session) would have answered, and B could read A's directory.
    const a = await connect('fs-shared', { current: [secret] });
    await a.client.sendRootsListChanged();
    await callText(a, 'list_allowed_directories');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const b = await connect('fs-shared');
    try {
      for (const session of [a, b]) {
        const text = await allowed(session);
        expect(text).toContain(configured);
        expect(text).not.toContain(secret);
      }
      const read = await callText(b, 'read_text_file', { path: join(secret, 'secret.txt') });
      expect(read.isError).toBe(true);
      expect(read.text).not.toContain('inside secret');
      const ok = await callText(b, 'read_text_file', { path: join(configured, 'configured.txt') });
      expect(ok.text).toContain('inside configured');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('shared with no roots configured: an empty list and one warning for the server, not a failure per request', async () => {
    await addServer('fs-bare', ['--backoff-initial', '50ms']);
    const session = await connect('fs-bare', { current: [directory('ignored')] });
    try {
      await session.client.sendRootsListChanged();
      expect((await callText(session, 'list_allowed_directories')).isError).toBe(false);
    } finally {
      await session.close();
    }
    // A crash and its restart keep the instance: its new process asks again, and is not warned about again.
    const before = await mcpctlJson<{ pid: number }>(daemon.home, ['server', 'show', 'fs-bare']);
    process.kill(before.pid, 'SIGKILL');
    await waitFor('fs-bare to be restarted', async () => {
      const view = await mcpctlJson<{ state: string; pid: number | null }>(daemon.home, ['server', 'show', 'fs-bare']);
      return view.state === 'running' && view.pid !== before.pid ? true : undefined;
    });
    const warnings = await waitFor('the warning in the daemon log', () => {
      const lines = daemonLog()
        .split('\n')
        .filter((line) => line.includes('fs-bare asked for roots and none are configured'));
      return lines.length > 0 ? lines : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      daemonLog()
        .split('\n')
        .filter((line) => line.includes('fs-bare asked for roots')),
    ).toHaveLength(1);
    expect(warnings[0]).toMatch(/--root DIR/);
    expect(warnings[0]).toMatch(/--share isolated/);
    expect(serverLog('fs-bare')).not.toMatch(/Failed to request/);
  });

  it('leaves no roots/list noise in a server’s log at start-up, shared or isolated', async () => {
    // server-everything asks for roots 350 ms after its handshake, and logs a failed ask on stderr.
    for (const [name, flags] of [
      ['ev-shared', []],
      ['ev-isolated', ['--share', 'isolated']],
    ] as const) {
      const added = await mcpctl(daemon.home, [
        'server',
        'add',
        name,
        ...flags,
        '--',
        process.execPath,
        EVERYTHING,
        'stdio',
      ]);
      expect(added.code, added.stderr).toBe(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // The server's own report of the roots it got (a captured notifications/message) is no noise.
    const noise = (log: string): string[] =>
      log.split('\n').filter((line) => /roots/i.test(line) && !/ mcp\.info .*Roots updated/.test(line));
    for (const name of ['ev-shared', 'ev-isolated']) expect(noise(serverLog(name))).toEqual([]);
  });

  it('refuses a --root that does not exist, with a hint (exit 2)', async () => {
    const result = await mcpctl(daemon.home, [
      'server',
      'add',
      'fs-typo',
      '--root',
      join(dirs, 'no-such-dir'),
      '--',
      process.execPath,
      FILESYSTEM,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not exist/);
    expect(result.stderr).toMatch(/hint/i);
  });
});
