import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDetail } from '../../src/core/api.js';
import { secretReference } from '../../src/core/secrets/references.js';
import { type FixtureRegistry, startFixtureRegistry } from '../fixtures/registry/registry.js';
import { CLI, CLI_NODE, ROOT, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { connectHttp } from '../helpers/mcpClient.js';
import { filesContaining } from '../helpers/secrets.js';

/**
 * `search` and `server add --from` through the built binary and a real daemon, against the fixture
 * registry on loopback. The filesystem entry's npm package is the real
 * `@modelcontextprotocol/server-filesystem`, and the definition mcpctl writes is the real one
 * (`npx -y @modelcontextprotocol/server-filesystem@2026.8.31 DIR`). There is no network here, so
 * `npx` on the daemon's PATH is a stand-in (test/fixtures/registry/offlineNpx.mjs) that runs the
 * package installed in node_modules, and only if the version asked for is the installed one:
 * the command is unchanged, only where npx finds the package differs.
 */
let h: E2eHome;
let registry: FixtureRegistry;
let scratch: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = e2eHome();
  registry = await startFixtureRegistry({ pageSize: 2 });
  scratch = mkdtempSync(join(tmpdir(), 'mcpctl-from-'));
  const bin = join(scratch, 'bin');
  mkdirSync(bin);
  const npx = join(bin, 'npx');
  writeFileSync(npx, `#!/bin/sh\nexec '${process.execPath}' '${ROOT}/test/fixtures/registry/offlineNpx.mjs' "$@"\n`);
  chmodSync(npx, 0o755);
  // No desktop keyring for the test daemon: secret inputs go to the home's key file.
  env = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    MCPCTL_REGISTRY_TIMEOUT: '1s',
    MCPCTL_NO_KEYRING: '1',
  };
  expect((await h.run(['registry', 'rm', 'official'], { env })).code).toBe(0);
  expect((await h.run(['registry', 'add', 'fixture', '--url', registry.url], { env })).code).toBe(0);
});
afterAll(async () => {
  await h.dispose();
  await registry.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function serverNames(): Promise<string[]> {
  return (await h.json<ServerDetail[]>(['ls'], env)).map((view) => view.name);
}

describe('search and server add --from, built binary', () => {
  it('search filesystem ranks the filesystem server first', async () => {
    const result = await h.run(['search', 'filesystem'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[1]).toMatch(/^io\.modelcontextprotocol\/filesystem\s+2026\.8\.31\s+stdio\s+npm\s/);
  });

  it('server add fs --from filesystem: a definition that starts and answers tools/list', async () => {
    const dir = join(scratch, 'shared');
    mkdirSync(dir);
    writeFileSync(join(dir, 'hello.txt'), 'hi');
    const added = await h.run(
      ['server', 'add', 'fs', '--from', 'filesystem', '--arg', `allowed_directory=${dir}`, ...h.mark('fs')],
      { env },
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe('added server fs (running)\n');
    expect(added.stderr).toContain(
      `io.modelcontextprotocol/filesystem@2026.8.31 from registry 'fixture': npx -y @modelcontextprotocol/server-filesystem@2026.8.31 ${dir}`,
    );
    const view = await h.json<ServerDetail>(['server', 'show', 'fs'], env);
    expect(view).toMatchObject({
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31', dir],
      labels: { from: 'fixture:io.modelcontextprotocol/filesystem@2026.8.31' },
    });

    const { url } = await h.json<{ url: string }>(['server', 'url', 'fs'], env);
    const session = await connectHttp(url, new Client({ name: 'registry-e2e', version: '1.0.0' }));
    try {
      const { tools } = await session.client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['read_text_file', 'list_directory']));
      const listing = (await session.client.callTool({ name: 'list_directory', arguments: { path: dir } })) as {
        content: Array<{ text?: string }>;
      };
      expect(listing.content[0]?.text).toContain('hello.txt');
    } finally {
      await session.close();
    }
  });

  it('REGISTRY:FULL-NAME@VERSION pins that version', async () => {
    const added = await h.run(
      [
        'server',
        'add',
        'fs-old',
        '--from',
        'fixture:io.modelcontextprotocol/filesystem@2025.7.1',
        '--arg',
        'allowed_directory=/tmp',
        '--no-autostart',
      ],
      { env },
    );
    expect(added.code, added.stderr).toBe(0);
    const view = await h.json<ServerDetail>(['server', 'show', 'fs-old'], env);
    expect(view.args).toEqual(['-y', '@modelcontextprotocol/server-filesystem@2025.7.1', '/tmp']);
  });

  it('a required input missing: exit 2 naming each, nothing added', async () => {
    const result = await h.run(['server', 'add', 'tracker', '--from', 'issue-tracker'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Error: io.github.example/issue-tracker needs values for: TRACKER_WORKSPACE (--env: The workspace id, e.g. acme); TRACKER_TOKEN (--env, secret: An API token)',
    );
    expect(result.stderr).toContain(
      'Hint: give --env TRACKER_WORKSPACE=VALUE --env TRACKER_TOKEN (from $TRACKER_TOKEN)',
    );
    expect(await serverNames()).not.toContain('tracker');
  });

  it('a secret as a literal is refused; from the environment it is stored as a secret the definition refers to', async () => {
    const literal = await h.run(
      [
        'server',
        'add',
        'tracker',
        '--from',
        'issue-tracker',
        '--env',
        'TRACKER_WORKSPACE=acme',
        '--env',
        'TRACKER_TOKEN=tok-123',
      ],
      { env },
    );
    expect(literal.code).toBe(2);
    expect(literal.stderr).toContain('TRACKER_TOKEN of io.github.example/issue-tracker is a secret');
    expect(literal.stderr).toContain("'mcpctl secret'");
    expect(literal.stderr).toContain('TRACKER_TOKEN=... mcpctl server add NAME --from ... --env TRACKER_TOKEN');
    expect(await serverNames()).not.toContain('tracker');

    const fromEnv = await h.run(
      [
        'server',
        'add',
        'tracker',
        '--from',
        'issue-tracker',
        '--env',
        'TRACKER_WORKSPACE=acme',
        '--env',
        'TRACKER_TOKEN',
        '--no-autostart',
      ],
      { env: { ...env, TRACKER_TOKEN: 'tok-123' } },
    );
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stderr).not.toContain('tok-123');
    const view = await h.json<ServerDetail>(['server', 'show', 'tracker'], env);
    expect(view.args).toEqual(['-y', '@example/issue-tracker-mcp@3.1.0']);
    expect(view.env).toMatchObject({
      TRACKER_WORKSPACE: 'acme',
      TRACKER_TOKEN: secretReference('tracker_TRACKER_TOKEN'),
      TRACKER_URL: 'https://tracker.example.com',
    });
    const secrets = await h.json<Array<{ name: string; usedBy: string[] }>>(['secret', 'ls'], env);
    expect(secrets).toContainEqual(
      expect.objectContaining({ name: 'tracker_TRACKER_TOKEN', usedBy: ['server:tracker'] }),
    );
    expect((await h.run(['export'], { env })).stdout).not.toContain('tok-123');
    expect(filesContaining(h.home, 'tok-123')).toEqual([]);
  });

  /**
   * Runs `server add NAME --from issue-tracker` on a pseudo-terminal (`script`), as from a user's
   * shell, typing each answer once its prompt shows; resolves with the exit code and the screen.
   */
  async function onTerminal(name: string, answers: Array<[prompt: string, typed: string]>) {
    const command = `'${CLI_NODE}' '${CLI}' server add ${name} --from issue-tracker --no-autostart`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, ...env, MCPCTL_HOME: h.home, NO_COLOR: '1', MCPCTL_GATEWAY_PORT: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      const next = answers[0];
      if (next && screen.includes(next[0])) {
        answers.shift();
        child.stdin.write(next[1]);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, screen };
  }

  // util-linux `script` (its -e and -c flags); macOS has another one.
  const hasScript = process.platform === 'linux' && existsSync('/usr/bin/script');
  it.skipIf(!hasScript)(
    'on a terminal, asks for the required inputs, the secret without echo; Ctrl-C exits 130',
    async () => {
      const { code, screen } = await onTerminal('tracker-tty', [
        ['TRACKER_WORKSPACE (The workspace id, e.g. acme): ', 'acme\r'],
        ['TRACKER_TOKEN (An API token): ', 'tok-typed\r'],
      ]);
      expect(code, screen).toBe(0);
      expect(screen).toContain('added server tracker-tty (stopped)');
      expect(screen).not.toContain('tok-typed');
      const view = await h.json<ServerDetail>(['server', 'show', 'tracker-tty'], env);
      expect(view.env).toMatchObject({
        TRACKER_WORKSPACE: 'acme',
        TRACKER_TOKEN: secretReference('tracker-tty_TRACKER_TOKEN'),
      });

      for (const [name, answers] of [
        ['tracker-int1', [['TRACKER_WORKSPACE (', '\u0003']]],
        [
          'tracker-int2',
          [
            ['TRACKER_WORKSPACE (', 'acme\r'],
            ['TRACKER_TOKEN (', '\u0003'],
          ],
        ],
      ] as const) {
        const interrupted = await onTerminal(
          name,
          answers.map(([prompt, typed]) => [prompt, typed]),
        );
        expect(interrupted.code, interrupted.screen).toBe(130);
      }
      const names = await serverNames();
      expect(names).not.toContain('tracker-int1');
      expect(names).not.toContain('tracker-int2');
    },
  );

  it('a remote entry: its URL and headers', async () => {
    const added = await h.run(['server', 'add', 'notes', '--from', 'notes', '--arg', 'token', '--no-autostart'], {
      env: { ...env, token: 't0k' },
    });
    expect(added.code, added.stderr).toBe(0);
    const view = await h.json<ServerDetail>(['server', 'show', 'notes'], env);
    expect(view).toMatchObject({
      transport: 'http',
      url: 'https://eu.notes.example.com/mcp',
      headers: { 'X-Notes-Client': 'mcpctl', Authorization: `Bearer ${secretReference('notes_token')}` },
    });
  });

  it('Ctrl-C while a registry is slow to answer ends the command at once (130)', async () => {
    registry.mode = 'timeout';
    try {
      const asked = registry.requests.length;
      const child = spawn(CLI_NODE, [CLI, 'server', 'add', 'slow', '--from', 'weather'], {
        env: { ...process.env, ...env, MCPCTL_HOME: h.home, MCPCTL_REGISTRY_TIMEOUT: '1m' },
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await waitFor('the request at the registry', () => (registry.requests.length > asked ? true : undefined));
      child.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      registry.mode = 'ok';
    }
    expect(await serverNames()).not.toContain('slow');
  });

  it('a registry that times out, answers 500 or sends a bad document: exit 6 / 6 / 3 naming it, nothing added', async () => {
    const expected = [
      ['timeout', 6, "registry 'fixture' did not answer within 1s"],
      ['error500', 6, "registry 'fixture' answered 500 Internal Server Error"],
      ['bad-document', 3, "registry 'fixture' sent a bad document"],
    ] as const;
    try {
      for (const [mode, code, message] of expected) {
        registry.mode = mode;
        const result = await h.run(['server', 'add', 'mem', '--from', 'memory'], { env });
        expect(result.code, mode).toBe(code);
        expect(result.stderr).toContain(`Error: ${message}`);
      }
    } finally {
      registry.mode = 'ok';
    }
    expect(await serverNames()).not.toContain('mem');
  });
});
