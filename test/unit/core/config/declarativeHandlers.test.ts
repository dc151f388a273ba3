import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { controlMethods, type MethodInput } from '../../../../src/core/api.js';
import { createDeclarativeHandlers } from '../../../../src/core/config/declarativeHandlers.js';
import { ProfileRegistry } from '../../../../src/core/profiles/registry.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { LOCAL_CALL } from '../../../../src/shared/principal.js';
import { makeSupervisor } from '../../../helpers/supervisor.js';

/** The daemon's applyConfig and exportConfig over a real supervisor, profile registry and SQLite store. */
async function rig() {
  const home = mkdtempSync(join(tmpdir(), 'mcpctl-apply-'));
  const { supervisor, store } = makeSupervisor(home);
  onTestFinished(async () => {
    await supervisor.shutdown();
    store.close();
    rmSync(home, { recursive: true, force: true });
  });
  const profiles = new ProfileRegistry({ store, logger: silentLogger });
  await profiles.load();
  const handlers = createDeclarativeHandlers({ supervisor, profiles });
  const apply = (input: MethodInput<'applyConfig'>) =>
    handlers.applyConfig(controlMethods.applyConfig.input.parse(input), LOCAL_CALL);
  return { supervisor, profiles, handlers, apply };
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
    const { supervisor, profiles, handlers, apply } = await rig();
    const result = await apply({ document: DOCUMENT });
    expect(result.error).toBeNull();
    expect(result.steps.map((step) => `${step.action} ${step.kind} ${step.name} ${step.status}`)).toEqual([
      'create server a applied',
      'create server b applied',
      'create profile dev applied',
    ]);
    expect(supervisor.list().map((entry) => entry.spec.name)).toEqual(['a', 'b']);
    expect(profiles.get('dev')?.members).toEqual([{ server: 'b', env: { WORKSPACE: 'one' } }]);

    const { document } = await handlers.exportConfig({ profile: 'dev' }, LOCAL_CALL);
    expect(document).toEqual({
      apiVersion: 'mcpctl/v1',
      servers: [{ name: 'b', transport: 'stdio', command: process.execPath, autostart: false }],
      profiles: [{ name: 'dev', members: [{ server: 'b', env: { WORKSPACE: 'one' } }] }],
    });
    const everything = await handlers.exportConfig({}, LOCAL_CALL);
    const again = await apply({ document: everything.document as MethodInput<'applyConfig'>['document'] });
    expect(again.changed).toBe(false);
  });

  it('refuses, before any change, a file with a command it cannot launch', async () => {
    const { supervisor, profiles, apply } = await rig();
    const servers = [...DOCUMENT.servers, { name: 'c', transport: 'stdio' as const, command: '/nonexistent/server' }];
    await expect(apply({ document: { ...DOCUMENT, servers, profiles: [] } })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(supervisor.list()).toEqual([]);
    expect(profiles.list()).toEqual([]);
  });
});
