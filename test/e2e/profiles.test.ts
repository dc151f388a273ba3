import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DaemonStatus, ProfileDetail, ProfileView, ServerView } from '../../src/core/api.js';
import { waitFor } from '../helpers/cli.js';
import { e2eHome, useE2eHome } from '../helpers/e2e.js';
import { isAlive } from '../helpers/procs.js';

const NODE = process.execPath;
/** Never started (--no-autostart): profiles only need them defined. */
const idleServer = (name: string) => ['server', 'add', name, '--no-autostart', '--', NODE, '-e', '0'];

describe('profile bad input, refused before the daemon is touched', () => {
  const h = e2eHome();
  afterAll(() => h.dispose());

  it.each([
    ['a profile name in a bad shape', ['profile', 'create', 'Bad Name'], /invalid profile: name: must be 1-63/],
    ['a path as a profile name', ['profile', 'show', '../etc'], /invalid profile name: name: must be 1-63/],
    ['a member named twice', ['profile', 'create', 'p', '--server', 'a', '--server', 'a'], /only once/],
    ['a member in a bad shape', ['profile', 'add', 'p', 'A B'], /servers\.0: must be 1-63/],
    ['a glob that cannot match', ['profile', 'filter', 'p', '--allow', 'fs/read'], /edit\.allow\.0: a glob is/],
    [
      'an env key that is not a POSIX name',
      ['profile', 'env', 'set', 'p', 'fs', '1A=x'],
      /'1A' is not an environment name/,
    ],
    ['an env pair without =', ['profile', 'env', 'set', 'p', 'fs', 'A'], /expected KEY=VALUE/],
    [
      'a filter with nothing to do',
      ['profile', 'filter', 'p'],
      /give --allow GLOB\.\.\., --deny GLOB\.\.\. or --clear/,
    ],
    [
      'an unknown tool mode',
      ['profile', 'set', 'p', '--tools', 'some'],
      /invalid --tools 'some': must be one of all, search/,
    ],
    ['a list timeout without its unit', ['profile', 'set', 'p', '--list-timeout', '2'], /a duration needs its unit/],
    ['a rename and a reset at once', ['profile', 'tool', 'p', 'fs__x', '--rename', 'y', '--reset'], /not both/],
    ['a --copy-from in a bad shape', ['profile', 'create', 'p', '--copy-from', 'X!'], /copyFrom: must be 1-63/],
  ])('%s exits 2', async (_what, args, stderr) => {
    const result = await h.run(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(stderr);
    expect(result.stdout).toBe('');
    expect(h.daemonPids()).toEqual([]);
    expect(existsSync(join(h.home, 'run', 'mcpctl.sock'))).toBe(false);
  });
});

describe('profile verbs against a real daemon', () => {
  const h = useE2eHome();

  it('creates a profile of defined servers; an undefined member or profile exits 8, a duplicate 2', async () => {
    for (const name of ['fs', 'memory', 'slack']) expect((await h.run(idleServer(name))).code).toBe(0);
    const ghost = await h.run(['profile', 'create', 'work', '--server', 'fs', '--server', 'ghost']);
    expect(ghost.code).toBe(8);
    expect(ghost.stderr).toContain("no server named 'ghost'");

    const created = await h.run([
      'profile',
      'create',
      'work',
      '--server',
      'fs',
      '--server',
      'memory',
      '--description',
      'day job',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe('created profile work (2 members)\n');
    expect((await h.run(['profile', 'create', 'work'])).code).toBe(2);
    expect((await h.run(['profile', 'add', 'work', 'memory'])).code).toBe(2);
    expect((await h.run(['profile', 'add', 'work', 'ghost'])).code).toBe(8);
    expect((await h.run(['profile', 'add', 'nowhere', 'fs'])).code).toBe(8);
    expect((await h.run(['profile', 'remove', 'work', 'slack'])).code).toBe(8);
    const missing = await h.run(['profile', 'show', 'nowhere']);
    expect(missing.code).toBe(8);
    expect(missing.stderr).toContain("no profile named 'nowhere'");
  });

  it('edits members, env, filters, overrides and settings, each answering with the profile in -o json', async () => {
    const added = await h.json<ProfileView>(['profile', 'add', 'work', 'slack']);
    expect(added.members.map((m) => m.server)).toEqual(['fs', 'memory', 'slack']);
    const removed = await h.json<ProfileView>(['profile', 'remove', 'work', 'memory']);
    expect(removed.members.map((m) => m.server)).toEqual(['fs', 'slack']);

    await h.json(['profile', 'env', 'set', 'work', 'slack', 'WORKSPACE=acme', 'SLACK_TOKEN=xoxb', 'KEEP=1']);
    const env = await h.json<ProfileView>(['profile', 'env', 'unset', 'work', 'slack', 'KEEP']);
    expect(env.members.find((m) => m.server === 'slack')?.env).toEqual({ WORKSPACE: 'acme', SLACK_TOKEN: '********' });

    const filtered = await h.json<ProfileView>([
      'profile',
      'filter',
      'work',
      '--allow',
      'fs__read_*',
      'slack__*',
      '--deny',
      '*delete*',
    ]);
    expect(filtered.filters).toEqual({ allow: ['fs__read_*', 'slack__*'], deny: ['*delete*'] });
    const tool = await h.json<ProfileView>([
      'profile',
      'tool',
      'work',
      'fs__read_file',
      '--rename',
      'read',
      '--description',
      'Reads a file',
    ]);
    expect(tool.overrides).toEqual({ fs__read_file: { rename: 'read', description: 'Reads a file' } });

    const set = await h.json<ProfileView>([
      'profile',
      'set',
      'work',
      '--tools',
      'search',
      '--pin',
      'fs__read_*',
      '--separator',
      '_',
      '--no-prefix-first',
      '--list-timeout',
      '500ms',
    ]);
    expect(set).toMatchObject({
      tools: { mode: 'search', pin: ['fs__read_*'] },
      naming: { separator: '_', prefixFirst: false },
      listTimeoutMs: 500,
      description: 'day job',
    });
    const human = await h.run(['profile', 'set', 'work', '--prefix-first']);
    expect(human.stdout).toBe('profile work: settings changed (2 members)\n');

    const cleared = await h.json<ProfileView>(['profile', 'filter', 'work', '--clear']);
    expect(cleared.filters).toEqual({ allow: [], deny: [] });
    const reset = await h.json<ProfileView>(['profile', 'tool', 'work', 'fs__read_file', '--reset']);
    expect(reset.overrides).toEqual({});
  });

  it('copies a profile with --copy-from as a snapshot', async () => {
    const copy = await h.json<ProfileView>(['profile', 'create', 'work2', '--copy-from', 'work', '--server', 'memory']);
    expect(copy.members.map((m) => m.server)).toEqual(['fs', 'slack', 'memory']);
    expect(copy.tools.mode).toBe('search');
    await h.json(['profile', 'remove', 'work', 'slack']);
    const [, again] = await h.json<ProfileView[]>(['profile', 'ls']);
    expect(again?.members.map((m) => m.server)).toEqual(['fs', 'slack', 'memory']);
    expect((await h.run(['profile', 'create', 'x', '--copy-from', 'nowhere'])).code).toBe(8);
  });

  it('marks the current profile in ls after profile use, in a table, -o json and -o yaml', async () => {
    expect((await h.run(['profile', 'current'])).code).toBe(8);
    const used = await h.run(['profile', 'use', 'work2']);
    expect(used.stdout).toBe('now using profile work2\n');
    const table = await h.run(['profile', 'ls']);
    expect(table.stdout).toBe(
      [
        'CURRENT   NAME    MEMBERS   MODE     DESCRIPTION',
        '          work    1         search   day job',
        '*         work2   3         search   day job',
        '',
      ].join('\n'),
    );
    expect((await h.json<ProfileView[]>(['profile', 'ls'])).map((p) => [p.name, p.current])).toEqual([
      ['work', false],
      ['work2', true],
    ]);
    const yaml = parse((await h.run(['profile', 'ls', '-o', 'yaml'])).stdout) as ProfileView[];
    expect(yaml.map((p) => p.current)).toEqual([false, true]);
    expect((await h.run(['profile', 'current'])).stdout).toBe('work2\n');
    expect(await h.json(['profile', 'current'])).toEqual({ name: 'work2' });
    expect((await h.run(['profile', 'use', 'nowhere'])).code).toBe(8);
  });

  it('shows the definition, each member with its server state, and the catalog with the stopped members down', async () => {
    const shown = await h.run(['profile', 'show', 'work2']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^Name:\s+work2$/m);
    expect(shown.stdout).toMatch(/^Current:\s+yes$/m);
    expect(shown.stdout).toMatch(/^Tools:\s+search \(pinned: fs__read_\*\)$/m);
    expect(shown.stdout).toMatch(/^ {2}slack\s+stopped\s+slack@[0-9a-f]{10}\s+WORKSPACE=acme SLACK_TOKEN=\*{8}$/m);
    expect(shown.stdout).toMatch(/^Catalog:$/m);
    expect(shown.stdout).toMatch(/^ {2}slack\s+down \(stopped\)/m);
    const detail = await h.json<ProfileDetail>(['profile', 'show', 'work2']);
    expect(detail.members.map((m) => [m.server, m.state])).toEqual([
      ['fs', 'stopped'],
      ['slack', 'stopped'],
      ['memory', 'stopped'],
    ]);
    expect(detail.catalog?.members.map((m) => [m.server, m.state, m.detail, m.tools.length])).toEqual([
      ['fs', 'down', 'stopped', 0],
      ['slack', 'down', 'stopped', 0],
      ['memory', 'down', 'stopped', 0],
    ]);
    const yaml = parse((await h.run(['profile', 'show', 'work2', '-o', 'yaml'])).stdout) as ProfileDetail;
    expect(yaml.name).toBe('work2');
  });

  it('refuses server rm of a member naming its profiles (exit 2); --force removes it from them too', async () => {
    const refused = await h.run(['server', 'rm', 'fs']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("server 'fs' is a member of profiles 'work', 'work2'");
    expect(refused.stderr).toContain('--force');
    expect((await h.json<ServerView[]>(['server', 'ls'])).map((s) => s.name)).toContain('fs');

    const forced = await h.run(['rm', '--force', 'fs']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toBe('removed server fs (and from profiles work, work2)\n');
    expect((await h.json<ServerView[]>(['server', 'ls'])).map((s) => s.name)).not.toContain('fs');
    expect((await h.json<ProfileView[]>(['profile', 'ls'])).map((p) => p.members.map((m) => m.server))).toEqual([
      [],
      ['slack', 'memory'],
    ]);
  });

  it('keeps profiles and the current one across a kill -9 of the daemon', async () => {
    await h.json(['profile', 'env', 'set', 'work2', 'memory', 'LAST=write']);
    const before = await h.json<ProfileView[]>(['profile', 'ls']);
    const daemonPid = (await h.json<DaemonStatus>(['daemon', 'status'])).pid;
    process.kill(daemonPid, 'SIGKILL');
    await waitFor('the daemon gone', () => (isAlive(daemonPid) ? undefined : true));

    // `profile ls` starts a new daemon, which loads the profiles from the store.
    const after = await h.json<ProfileView[]>(['profile', 'ls']);
    expect((await h.json<DaemonStatus>(['daemon', 'status'])).pid).not.toBe(daemonPid);
    expect(after).toEqual(before);
    expect(after.find((p) => p.current)?.name).toBe('work2');
    expect(after[1]?.members.find((m) => m.server === 'memory')?.env).toEqual({ LAST: 'write' });
  });

  it('removes a profile (exit 8 the second time), its servers staying defined', async () => {
    const removed = await h.run(['profile', 'rm', 'work2']);
    expect(removed.stdout).toBe('removed profile work2\n');
    expect((await h.run(['profile', 'rm', 'work2'])).code).toBe(8);
    expect(await h.json(['profile', 'current'])).toEqual({ name: null });
    expect((await h.json<ServerView[]>(['server', 'ls'])).map((s) => s.name)).toEqual(['memory', 'slack']);
    expect(await h.json(['profile', 'rm', 'work'])).toEqual({ name: 'work' });
    const empty = await h.run(['profile', 'ls']);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toContain('No profiles. Create one with');
  });
});
