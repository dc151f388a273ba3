import { describe, expect, it } from 'vitest';
import type { ProfileCatalogView } from '../../../../src/core/profiles/catalog.js';
import { handlerRig } from '../sessions/handlerDeps.js';

const NODE = process.execPath;

async function rigWithServers(options: Parameters<typeof handlerRig>[0] = {}) {
  const rig = await handlerRig(options);
  // `everything` is defined by the rig; one more, never started.
  await rig.api.addServer({ spec: { name: 'memory', transport: 'stdio', command: NODE, autostart: false } });
  return rig;
}

describe('profile handlers', () => {
  it('creates a profile of defined servers, shows their state, and refuses an undefined member naming it', async () => {
    const { api, store } = await rigWithServers();
    await expect(api.createProfile({ name: 'work', servers: ['everything', 'ghost'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "no server named 'ghost': a profile's members must be defined servers",
    });
    expect(await store.profiles.list()).toEqual([]);

    const created = await api.createProfile({ name: 'work', servers: ['everything', 'memory'], description: 'day' });
    expect(created).toMatchObject({
      name: 'work',
      description: 'day',
      current: false,
      members: [
        { server: 'everything', env: {}, state: 'stopped' },
        { server: 'memory', env: {}, state: 'stopped' },
      ],
      tools: { mode: 'all', pin: [] },
      naming: { separator: '__', prefixFirst: true },
    });
    await expect(api.createProfile({ name: 'work' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(
      api.updateProfile({ name: 'work', edit: { op: 'addMembers', servers: ['ghost'] } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining("'ghost'") });
    expect((await store.profiles.get('work'))?.spec).toMatchObject({
      members: [{ server: 'everything' }, { server: 'memory' }],
    });
  });

  it('copies another profile with --copy-from, edits it alone, and refuses an unknown source', async () => {
    const { api } = await rigWithServers();
    await api.createProfile({ name: 'work', servers: ['everything'] });
    await api.updateProfile({ name: 'work', edit: { op: 'settings', mode: 'search', pin: ['everything__echo'] } });
    const copy = await api.createProfile({ name: 'copy', copyFrom: 'work', servers: ['memory'] });
    expect(copy.members.map((m) => m.server)).toEqual(['everything', 'memory']);
    expect(copy.tools).toEqual({ mode: 'search', pin: ['everything__echo'] });
    await api.updateProfile({
      name: 'copy',
      edit: { op: 'setEnv', server: 'everything', env: { API_TOKEN: 's3cret', A: '1' } },
    });
    const [, work] = await api.listProfiles({});
    expect(work?.members[0]?.env).toEqual({});
    const shown = await api.getProfile({ name: 'copy' });
    expect(shown.members[0]?.env).toEqual({ API_TOKEN: '********', A: '1' });
    await expect(api.createProfile({ name: 'x', copyFrom: 'ghost' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('marks the current profile, forgets it with the profile, and answers an unknown one with NOT_FOUND', async () => {
    const { api } = await rigWithServers();
    expect(await api.currentProfile({})).toEqual({ name: null });
    await api.createProfile({ name: 'a' });
    await api.createProfile({ name: 'b' });
    await api.useProfile({ name: 'b' });
    expect((await api.listProfiles({})).map((p) => [p.name, p.current])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    await expect(api.useProfile({ name: 'ghost' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await api.currentProfile({})).toEqual({ name: 'b' });
    await api.removeProfile({ name: 'b' });
    expect(await api.currentProfile({})).toEqual({ name: null });
    await expect(api.removeProfile({ name: 'b' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.getProfile({ name: 'b' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses to remove a server profiles use, naming them; --force removes it from them too', async () => {
    const { api, store } = await rigWithServers();
    await api.createProfile({ name: 'work', servers: ['everything', 'memory'] });
    await api.createProfile({ name: 'home', servers: ['memory'] });
    const refused = await api.removeServer({ name: 'memory' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: "server 'memory' is a member of profiles 'home', 'work'",
      hint: expect.stringContaining('--force'),
    });
    expect((await api.listServers({})).map((s) => s.name)).toEqual(['everything', 'memory']);

    expect(await api.removeServer({ name: 'memory', force: true })).toEqual({
      name: 'memory',
      profiles: ['home', 'work'],
    });
    expect((await api.listServers({})).map((s) => s.name)).toEqual(['everything']);
    expect((await api.listProfiles({})).map((p) => [p.name, p.members.map((m) => m.server)])).toEqual([
      ['home', []],
      ['work', ['everything']],
    ]);
    expect((await store.profiles.get('work'))?.spec).toMatchObject({ members: [{ server: 'everything' }] });
    // A server no profile uses goes without --force.
    await api.removeProfile({ name: 'work' });
    expect(await api.removeServer({ name: 'everything' })).toEqual({ name: 'everything', profiles: [] });
  });

  it("shows the gateway's catalog when there is one, and null when there is none", async () => {
    const catalog: ProfileCatalogView = {
      members: [
        {
          server: 'everything',
          state: 'ready',
          tools: [{ name: 'everything__echo', original: 'echo', description: 'Echoes' }],
          prompts: [],
          resources: 2,
          resourceTemplates: 1,
        },
      ],
      collisions: [],
    };
    const { api } = await rigWithServers({
      profileCatalogs: { catalog: async (name) => (name === 'work' ? catalog : undefined) },
    });
    await api.createProfile({ name: 'work', servers: ['everything'] });
    await api.createProfile({ name: 'idle' });
    expect((await api.getProfile({ name: 'work' })).catalog).toEqual(catalog);
    expect((await api.getProfile({ name: 'idle' })).catalog).toBeNull();

    const bare = await rigWithServers();
    await bare.api.createProfile({ name: 'work' });
    expect((await bare.api.getProfile({ name: 'work' })).catalog).toBeNull();
  });
});
