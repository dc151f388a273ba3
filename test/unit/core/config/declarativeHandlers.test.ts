import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { controlMethods, type MethodInput } from '../../../../src/core/api.js';
import { createDeclarativeHandlers } from '../../../../src/core/config/declarativeHandlers.js';
import type { ProfileDefinitions } from '../../../../src/core/config/declarativeTarget.js';
import type { ProfileSpec } from '../../../../src/core/profiles/definition.js';
import { makeSupervisor } from '../../../helpers/supervisor.js';

/**
 * The daemon's applyConfig and exportConfig over a real supervisor and SQLite store; profiles
 * through the ProfileDefinitions port (the registry of core/profiles/registry.ts, kept here in a map).
 */
function rig(options: { profiles: boolean }) {
  const home = mkdtempSync(join(tmpdir(), 'mcpctl-apply-'));
  const { supervisor, store } = makeSupervisor(home);
  onTestFinished(async () => {
    await supervisor.shutdown();
    store.close();
    rmSync(home, { recursive: true, force: true });
  });
  const saved = new Map<string, ProfileSpec>();
  const profiles: ProfileDefinitions = {
    list: () => [...saved.values()],
    put: (spec) => saved.set(spec.name, spec),
    remove: (name) => saved.delete(name),
  };
  const handlers = createDeclarativeHandlers({ supervisor, ...(options.profiles ? { profiles } : {}) });
  const apply = (input: MethodInput<'applyConfig'>) =>
    handlers.applyConfig(controlMethods.applyConfig.input.parse(input));
  return { supervisor, saved, handlers, apply };
}

const DOCUMENT = {
  apiVersion: 'mcpctl/v1' as const,
  servers: [
    { name: 'a', transport: 'stdio' as const, command: process.execPath, autostart: false },
    { name: 'b', transport: 'stdio' as const, command: process.execPath, autostart: false },
  ],
  profiles: [{ name: 'dev', members: [{ server: 'b', env: { WORKSPACE: 'one' } }] }],
};

describe('applyConfig and exportConfig in the daemon', () => {
  it('defines the servers, then the profile; exports both, or one profile with only its servers', async () => {
    const { supervisor, saved, handlers, apply } = rig({ profiles: true });
    const result = await apply({ document: DOCUMENT });
    expect(result.error).toBeNull();
    expect(result.steps.map((step) => `${step.action} ${step.kind} ${step.name} ${step.status}`)).toEqual([
      'create server a applied',
      'create server b applied',
      'create profile dev applied',
    ]);
    expect(supervisor.list().map((entry) => entry.spec.name)).toEqual(['a', 'b']);
    expect(saved.get('dev')?.members).toEqual([{ server: 'b', env: { WORKSPACE: 'one' } }]);

    const { document } = await handlers.exportConfig({ profile: 'dev' });
    expect(document).toEqual({
      apiVersion: 'mcpctl/v1',
      servers: [{ name: 'b', transport: 'stdio', command: process.execPath, autostart: false }],
      profiles: [{ name: 'dev', members: [{ server: 'b', env: { WORKSPACE: 'one' } }] }],
    });
    const everything = await handlers.exportConfig({});
    const again = await apply({ document: everything.document as MethodInput<'applyConfig'>['document'] });
    expect(again.changed).toBe(false);
  });

  it('refuses, before any change, a profile when the daemon keeps none, and a command it cannot launch', async () => {
    const { supervisor, apply } = rig({ profiles: false });
    await expect(apply({ document: DOCUMENT })).rejects.toThrow(/keeps no profiles/);
    expect(supervisor.list()).toEqual([]);

    const servers = [...DOCUMENT.servers, { name: 'c', transport: 'stdio' as const, command: '/nonexistent/server' }];
    await expect(apply({ document: { ...DOCUMENT, servers, profiles: [] } })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(supervisor.list()).toEqual([]);
  });
});
