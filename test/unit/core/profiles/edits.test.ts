import { describe, expect, it } from 'vitest';
import { profileSpecSchema } from '../../../../src/core/profiles/definition.js';
import {
  applyEdit,
  createdProfile,
  type ProfileEdit,
  profileCreateSchema,
  profileEditSchema,
} from '../../../../src/core/profiles/edits.js';
import {
  assertMembersDefined,
  profilesUsing,
  serverInUse,
  withoutMember,
} from '../../../../src/core/profiles/membership.js';

const base = () =>
  profileSpecSchema.parse({
    name: 'work',
    members: [
      { server: 'fs', env: { ROOT: '/srv' } },
      { server: 'memory', env: {} },
    ],
  });

const edit = (value: unknown): ProfileEdit => profileEditSchema.parse(value);

function rejection(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('it did not throw');
}

describe('profile edits', () => {
  it('adds members at the end and removes them, keeping order, env and settings', () => {
    const added = applyEdit(base(), edit({ op: 'addMembers', servers: ['slack', 'git'] }));
    expect(added.members.map((m) => m.server)).toEqual(['fs', 'memory', 'slack', 'git']);
    const removed = applyEdit(added, edit({ op: 'removeMembers', servers: ['memory', 'slack'] }));
    expect(removed.members).toEqual([
      { server: 'fs', env: { ROOT: '/srv' } },
      { server: 'git', env: {} },
    ]);
  });

  it('refuses a member twice (exit 2) and an edit of a non-member (exit 8), leaving the profile as it was', () => {
    const spec = base();
    const twice = rejection(() => applyEdit(spec, edit({ op: 'addMembers', servers: ['memory'] })));
    expect(twice).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("'memory' is already") });
    expect(rejection(() => applyEdit(spec, edit({ op: 'removeMembers', servers: ['fs', 'ghost'] })))).toMatchObject({
      code: 'NOT_FOUND',
      message: "server 'ghost' is not a member of profile 'work'",
      exitCode: 8,
    });
    expect(rejection(() => applyEdit(spec, edit({ op: 'setEnv', server: 'ghost', env: { A: '1' } })))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(spec).toEqual(base());
    expect(profileEditSchema.safeParse({ op: 'addMembers', servers: ['a', 'a'] }).success).toBe(false);
  });

  it("sets and unsets a member's env without touching the other members", () => {
    const set = applyEdit(base(), edit({ op: 'setEnv', server: 'fs', env: { TOKEN: 'x', ROOT: '/home' } }));
    expect(set.members[0]?.env).toEqual({ ROOT: '/home', TOKEN: 'x' });
    const unset = applyEdit(set, edit({ op: 'unsetEnv', server: 'fs', keys: ['ROOT', 'NEVER_SET'] }));
    expect(unset.members).toEqual([
      { server: 'fs', env: { TOKEN: 'x' } },
      { server: 'memory', env: {} },
    ]);
  });

  it('replaces the filter lists given, keeps the other, and clears both', () => {
    const allow = applyEdit(base(), edit({ op: 'filter', allow: ['fs__read_*'], deny: ['*delete*'] }));
    const deny = applyEdit(allow, edit({ op: 'filter', deny: ['fs__write_file'] }));
    expect(deny.filters).toEqual({ allow: ['fs__read_*'], deny: ['fs__write_file'] });
    expect(applyEdit(deny, edit({ op: 'filter', clear: true })).filters).toEqual({ allow: [], deny: [] });
    expect(applyEdit(deny, edit({ op: 'filter', clear: true, allow: ['x*'] })).filters).toEqual({
      allow: ['x*'],
      deny: [],
    });
  });

  it('merges tool overrides field by field and resets them', () => {
    const renamed = applyEdit(base(), edit({ op: 'tool', tool: 'fs__read_file', rename: 'read' }));
    const described = applyEdit(renamed, edit({ op: 'tool', tool: 'fs__read_file', description: 'Reads.' }));
    expect(described.overrides).toEqual({ fs__read_file: { rename: 'read', description: 'Reads.' } });
    expect(applyEdit(described, edit({ op: 'tool', tool: 'fs__read_file', reset: true })).overrides).toEqual({});
  });

  it('changes only the settings given; an empty description drops it', () => {
    const set = applyEdit(
      base(),
      edit({ op: 'settings', mode: 'search', pin: ['fs__*'], separator: '_', prefixFirst: false, description: 'd' }),
    );
    expect(set).toMatchObject({
      description: 'd',
      tools: { mode: 'search', pin: ['fs__*'] },
      naming: { separator: '_', prefixFirst: false },
      listTimeoutMs: 2000,
    });
    const timed = applyEdit(set, edit({ op: 'settings', listTimeoutMs: 500, description: '' }));
    expect(timed.listTimeoutMs).toBe(500);
    expect(timed.description).toBeUndefined();
    expect(timed.tools.mode).toBe('search');
  });

  it.each([
    ['an env key that is not a POSIX name', { op: 'setEnv', server: 'fs', env: { '1A': 'x' } }],
    ['a glob that cannot match', { op: 'filter', allow: ['fs/read'] }],
    ['a filter edit with nothing to do', { op: 'filter' }],
    ['a rename and a reset at once', { op: 'tool', tool: 't', rename: 'u', reset: true }],
    ['a tool name no client accepts', { op: 'tool', tool: 'a'.repeat(65), rename: 'u' }],
    ['an empty settings edit', { op: 'settings' }],
    ['a separator with a space', { op: 'settings', separator: '_ _' }],
  ])('refuses %s by its schema', (_what, value) => {
    expect(profileEditSchema.safeParse(value).success).toBe(false);
  });
});

describe('profile create', () => {
  it('makes a profile of the named servers with the default settings', () => {
    const spec = createdProfile(
      profileCreateSchema.parse({ name: 'p', servers: ['a', 'b'], description: 'd' }),
      undefined,
    );
    expect(spec).toEqual(
      profileSpecSchema.parse({ name: 'p', description: 'd', members: [{ server: 'a' }, { server: 'b' }] }),
    );
  });

  it('copies the source profile as a snapshot: members, env and settings, then the named servers', () => {
    const source = applyEdit(base(), edit({ op: 'settings', mode: 'search', description: 'src' }));
    const copy = createdProfile(profileCreateSchema.parse({ name: 'copy', servers: ['git'] }), source);
    expect(copy).toMatchObject({ name: 'copy', description: 'src', tools: { mode: 'search' } });
    expect(copy.members.map((m) => m.server)).toEqual(['fs', 'memory', 'git']);
    const [first] = copy.members;
    if (first) first.env.ROOT = '/changed';
    expect(source.members[0]?.env).toEqual({ ROOT: '/srv' });
    expect(
      rejection(() => createdProfile(profileCreateSchema.parse({ name: 'c', servers: ['fs'] }), source)),
    ).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses a bad profile name and a server named twice', () => {
    expect(profileCreateSchema.safeParse({ name: 'Bad Name' }).success).toBe(false);
    expect(profileCreateSchema.safeParse({ name: 'p', servers: ['a', 'a'] }).success).toBe(false);
    expect(profileCreateSchema.safeParse({ name: 'p', copyFrom: '../x' }).success).toBe(false);
  });
});

describe('profile membership', () => {
  it('names every member that is not a defined server (NOT_FOUND, exit 8)', () => {
    const spec = applyEdit(base(), edit({ op: 'addMembers', servers: ['ghost'] }));
    expect(rejection(() => assertMembersDefined(spec, (server) => server === 'fs'))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 8,
      message: "no server named 'memory', 'ghost': a profile's members must be defined servers",
    });
    expect(() => assertMembersDefined(spec, () => true)).not.toThrow();
  });

  it('finds the profiles of a server, drops it from one, and explains a refused removal', () => {
    const other = profileSpecSchema.parse({ name: 'home', members: [{ server: 'memory' }] });
    expect(profilesUsing([base(), other], 'memory')).toEqual(['work', 'home']);
    expect(profilesUsing([base(), other], 'fs')).toEqual(['work']);
    expect(withoutMember(base(), 'fs').members.map((m) => m.server)).toEqual(['memory']);
    const refused = serverInUse('memory', ['work', 'home']);
    expect(refused).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: "server 'memory' is a member of profiles 'work', 'home'",
    });
    expect(refused.hint).toContain('--force');
  });
});
