import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { stableView, useE2eHome } from '../helpers/e2e.js';

const NODE = process.execPath;

const h = useE2eHome();

async function storeSnapshot(): Promise<Record<string, unknown>[]> {
  const views = await h.json<ServerView[]>(['server', 'ls']);
  return views.map((view) => stableView(view as unknown as Record<string, unknown>));
}

const USAGE_CASES: Array<{ what: string; args: string[]; stderr: RegExp }> = [
  {
    what: 'a path as name',
    args: ['server', 'add', '../x', '--', NODE, '-e', '0'],
    stderr: /name: must be 1-63 characters/,
  },
  { what: 'a space in the name', args: ['server', 'add', 'a b', '--', NODE, '-e', '0'], stderr: /name: must be 1-63/ },
  {
    what: 'a 70-character name',
    args: ['server', 'add', 'a'.repeat(70), '--', NODE, '-e', '0'],
    stderr: /name: must be 1-63/,
  },
  { what: 'no command', args: ['server', 'add', 'nocmd'], stderr: /a command is required/ },
  {
    what: 'an unknown restart mode',
    args: ['server', 'add', 'r', '--restart', 'sometimes', '--', NODE, '-e', '0'],
    stderr: /invalid --restart 'sometimes': must be one of always, on-failure, never/,
  },
  {
    what: 'a --url that is no URL',
    args: ['server', 'add', 'y', '--url', 'notaurl'],
    stderr: /invalid --url 'notaurl'/,
  },
  {
    what: 'a duration without its unit',
    args: ['server', 'add', 't', '--start-timeout', '10', '--', NODE, '-e', '0'],
    stderr: /invalid --start-timeout '10': a duration needs its unit\nHint: write --start-timeout 10s/,
  },
  { what: 'a mistyped command', args: ['sever', 'ls'], stderr: /Hint: run 'mcpctl server --help'/ },
  {
    what: 'a negative --max-restarts',
    args: ['server', 'add', 'm', '--max-restarts', '-1', '--', NODE, '-e', '0'],
    stderr: /invalid --max-restarts '-1'/,
  },
];

/** POST /v1/<method> on the daemon's control socket, as any local program could send it. */
function controlPost(home: string, method: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: join(home, 'run', 'mcpctl.sock'), path: `/v1/${method}`, method: 'POST' },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.setHeader('content-type', 'application/json');
    req.end(JSON.stringify(body));
  });
}

const BAD_NAMES = ['../x', 'a/b', '%2e%2e', '..', '.hidden', 'UPPER', 'a'.repeat(64)];

describe('bad input through the built binary', () => {
  it('rejects invalid definitions with exit 2 before contacting the daemon', async () => {
    for (const { what, args, stderr } of USAGE_CASES) {
      const result = await h.run(args);
      expect(result.code, `${what}: ${result.stderr}`).toBe(2);
      expect(result.stderr, what).toMatch(/^Error: /);
      expect(result.stderr, what).toMatch(stderr);
      expect(result.stderr, what).toMatch(/^Hint: /m);
      expect(result.stdout, what).toBe('');
    }
    // "The definition is validated before the daemon is contacted": none of them started it.
    expect(h.daemonPids()).toEqual([]);
    expect((await h.run(['daemon', 'status'])).code).toBe(6);
  });

  it('leaves the store unchanged after bad definitions, a duplicate, and unknown names', async () => {
    const add = await h.run(['server', 'add', 'keep', '--no-autostart', '--label', 'a=b', '--', NODE, '-e', '0']);
    expect(add.code, add.stderr).toBe(0);
    const before = await storeSnapshot();
    expect(before.map((view) => view.name)).toEqual(['keep']);

    for (const { what, args } of USAGE_CASES) expect((await h.run(args)).code, what).toBe(2);

    const duplicate = await h.run(['server', 'add', 'keep', '--', NODE, '-e', '1']);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain("a server named 'keep' already exists");
    expect(duplicate.stderr).toMatch(/Hint: .*mcpctl server rm keep/);

    for (const verb of ['show', 'rm', 'start', 'logs', 'ping']) {
      const result = await h.run(['server', verb, 'nope']);
      expect(result.code, `${verb}: ${result.stderr}`).toBe(8);
      expect(result.stderr, verb).toContain("no server named 'nope'");
      expect(result.stderr, verb).toMatch(/^Hint: /m);
    }

    expect(await storeSnapshot()).toEqual(before);
  });

  it('refuses a command or a --cwd the daemon could not start with exit 2, as the spawn would look', async () => {
    const before = await storeSnapshot();
    const missingDir = join(h.home, 'no-such-dir');
    const cases: Array<{ what: string; args: string[]; stderr: RegExp }> = [
      {
        what: 'a command on no PATH',
        args: ['nocmd', '--', 'mcpctl-no-such-command-xyz'],
        stderr: /command 'mcpctl-no-such-command-xyz' not found on the server's PATH/,
      },
      {
        what: 'a PATH of the definition without the command',
        args: ['nopath', '--env', `PATH=${h.home}`, '--', 'node', '-e', '0'],
        stderr: /command 'node' not found on the server's PATH\nHint: .*searched: /,
      },
      {
        what: 'a relative command, resolved against --cwd',
        args: ['rel', '--cwd', h.home, '--', './server.sh'],
        stderr: new RegExp(`'./server.sh' \\(relative to ${h.home}\\) is not an executable file`),
      },
      {
        what: 'a --cwd that does not exist',
        args: ['nodir', '--cwd', missingDir, '--', NODE, '-e', '0'],
        stderr: new RegExp(`the working directory '${missingDir}' does not exist`),
      },
    ];
    for (const { what, args, stderr } of cases) {
      const result = await h.run(['server', 'add', ...args]);
      expect(result.code, `${what}: ${result.stderr}`).toBe(2);
      expect(result.stderr, what).toMatch(stderr);
      expect(result.stderr, what).toMatch(/^Hint: /m);
    }
    expect(await storeSnapshot()).toEqual(before);

    // A relative command is found against --cwd, as the spawn finds it.
    writeFileSync(join(h.home, 'server.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const found = await h.run(['server', 'add', 'rel', '--no-autostart', '--cwd', h.home, '--', './server.sh']);
    expect(found.code, found.stderr).toBe(0);
    expect((await h.run(['server', 'rm', 'rel'])).code).toBe(0);
  });

  it('prints errors as JSON on stderr with -o json', async () => {
    const usage = await h.run(['server', 'add', 'j', '--restart', 'sometimes', '-o', 'json', '--', NODE]);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(JSON.parse(usage.stderr)).toEqual({
      error: {
        kind: 'user',
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('--restart'),
        hint: expect.any(String),
      },
    });

    const missing = await h.run(['server', 'show', 'nope', '-o', 'json']);
    expect(missing.code).toBe(8);
    expect(JSON.parse(missing.stderr)).toMatchObject({
      error: { code: 'NOT_FOUND', message: "no server named 'nope'" },
    });

    const down = await h.run(['daemon', 'stop']);
    expect(down.code).toBe(0);
    const unreachable = await h.run(['daemon', 'status', '-o', 'json']);
    expect(unreachable.code).toBe(6);
    expect(JSON.parse(unreachable.stderr)).toMatchObject({ error: { code: 'DAEMON_UNREACHABLE' } });
  });
});

describe('names that could reach a path', () => {
  const b5 = useE2eHome();

  it('B5: refuses ../x, a/b, %2e%2e, NUL and names over 63 characters (exit 2 on the CLI, 400 on the control API)', async () => {
    for (const name of BAD_NAMES) {
      const result = await b5.run(['server', 'add', name, '--no-autostart', '--', NODE, '-e', '0']);
      expect(result.code, `${name}: ${result.stderr}`).toBe(2);
      expect(result.stderr, name).toMatch(/name: must be 1-63 characters of a-z/);
    }
    for (const verb of ['show', 'rm', 'logs']) {
      const result = await b5.run(['server', verb, '../x']);
      expect(result.code, `${verb}: ${result.stderr}`).toBe(2);
    }
    // A NUL cannot reach a program through argv; it can through the control socket.
    const start = await b5.run(['daemon', 'start']);
    expect(start.code, start.stderr).toBe(0);
    for (const name of [...BAD_NAMES, 'a\u0000b', '\u0000']) {
      const answer = await controlPost(b5.home, 'addServer', {
        name,
        transport: 'stdio',
        command: NODE,
        autostart: false,
      });
      expect(answer.status, JSON.stringify(name)).toBe(400);
      expect(answer.body, JSON.stringify(name)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
      const show = await controlPost(b5.home, 'getServer', { name });
      expect(show.status, JSON.stringify(name)).toBe(400);
    }
    // Nothing was stored, and no log file was made from a bad name.
    expect(await b5.json<ServerView[]>(['server', 'ls'])).toEqual([]);
    const logs = join(b5.home, 'logs');
    expect(existsSync(logs) ? readdirSync(logs).filter((file) => !file.startsWith('daemon.')) : []).toEqual([]);
    expect((await b5.run(['daemon', 'stop'])).code).toBe(0);
  });
});
