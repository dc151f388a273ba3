import { describe, expect, it } from 'vitest';
import { declarativeDocumentSchema } from '../../../../src/core/config/declarative.js';
import { exportDocument } from '../../../../src/core/config/declarativeExport.js';
import { type DefinedState, planApply } from '../../../../src/core/config/declarativePlan.js';
import { type ProfileSpecInput, profileSpecSchema } from '../../../../src/core/profiles/definition.js';
import { type ServerSpecInput, serverSpecSchema } from '../../../../src/core/servers/definition.js';

const server = (input: Partial<ServerSpecInput> & { name: string }) =>
  serverSpecSchema.parse(
    input.transport === 'http'
      ? input
      : ({ transport: 'stdio', command: 'node', args: ['server.js'], ...input } as ServerSpecInput),
  );
const profile = (input: ProfileSpecInput) => profileSpecSchema.parse(input);

const DOCS = server({ name: 'docs', transport: 'http', url: 'https://example.com/mcp' } as ServerSpecInput & {
  name: string;
});
const CURRENT: DefinedState = {
  servers: [server({ name: 'memory' }), server({ name: 'fs', env: { ROOT: '/srv' } }), DOCS],
  profiles: [profile({ name: 'dev', members: [{ server: 'memory' }, { server: 'fs' }] }), profile({ name: 'old' })],
};

const brief = (steps: ReturnType<typeof planApply>) =>
  steps.map((step) => `${step.action} ${step.kind} ${step.name}${step.changes.length ? ` ${step.changes}` : ''}`);

describe('planApply', () => {
  it('plans nothing for the very same definitions, whatever the key order and with defaults written out', () => {
    const same: DefinedState = {
      servers: [
        server({ name: 'memory', policy: { restart: 'on-failure' }, env: {} }),
        ...CURRENT.servers.slice(1).reverse(),
      ],
      profiles: [profile({ name: 'dev', members: [{ server: 'memory', env: {} }, { server: 'fs' }] })],
    };
    expect(brief(planApply(CURRENT, same, { prune: false }))).toEqual([
      'unchanged server memory',
      'unchanged server docs',
      'unchanged server fs',
      'unchanged profile dev',
    ]);
  });

  it('creates, edits in place, rolls over and (with prune) deletes, in dependency order', () => {
    const desired: DefinedState = {
      servers: [
        server({ name: 'memory', policy: { restart: 'always' }, labels: { team: 'a' } }),
        server({ name: 'fs', env: { ROOT: '/data', EXTRA: '1' } }),
        server({ name: 'new' }),
      ],
      profiles: [
        profile({ name: 'dev', members: [{ server: 'memory' }, { server: 'new' }] }),
        profile({ name: 'fresh', members: [{ server: 'fs' }], tools: { mode: 'search' } }),
      ],
    };
    expect(brief(planApply(CURRENT, desired, { prune: false }))).toEqual([
      'update server memory labels.team,policy.restart',
      'rollover server fs env.EXTRA,env.ROOT',
      'create server new',
      'update profile dev members',
      'create profile fresh',
    ]);
    // Deletions last, profiles before servers: no profile uses 'docs' when it goes.
    expect(brief(planApply(CURRENT, desired, { prune: true })).slice(5)).toEqual([
      'delete profile old',
      'delete server docs',
    ]);
  });

  it('rolls over for what the instance was started with (command, args, cwd, url, headers), not for policy', () => {
    const rolled = (change: Partial<ServerSpecInput>) =>
      planApply(CURRENT, { servers: [server({ name: 'memory', ...change })], profiles: [] }, { prune: false })[0]
        ?.action;
    expect(rolled({ command: 'deno' })).toBe('rollover');
    expect(rolled({ args: ['other.js'] })).toBe('rollover');
    expect(rolled({ cwd: '/tmp' })).toBe('rollover');
    expect(rolled({ policy: { healthIntervalMs: 500 } })).toBe('update');
    expect(rolled({ autostart: false })).toBe('update');
  });
});

describe('exportDocument', () => {
  it('leaves defaults out and validates back to the same definitions (so export | apply is a no-op)', () => {
    const state: DefinedState = {
      servers: [server({ name: 'fs', env: { ROOT: '/srv' }, policy: { restart: 'always' } }), DOCS],
      profiles: [profile({ name: 'dev', members: [{ server: 'fs' }], filters: { deny: ['fs__write*'] } })],
    };
    const document = exportDocument(state, {});
    expect(document).toEqual({
      apiVersion: 'mcpctl/v1',
      servers: [
        {
          name: 'fs',
          transport: 'stdio',
          command: 'node',
          args: ['server.js'],
          env: { ROOT: '/srv' },
          policy: { restart: 'always' },
        },
        { name: 'docs', transport: 'http', url: 'https://example.com/mcp' },
      ],
      profiles: [{ name: 'dev', members: [{ server: 'fs' }], filters: { deny: ['fs__write*'] } }],
    });
    const again = declarativeDocumentSchema.parse(document);
    expect(planApply(state, again, { prune: true }).every((step) => step.action === 'unchanged')).toBe(true);
  });

  it('exports one profile with only the servers it uses, and refuses an unknown one', () => {
    const document = exportDocument(CURRENT, { profile: 'dev' });
    expect((document.servers as Array<{ name: string }>).map((spec) => spec.name)).toEqual(['memory', 'fs']);
    expect((document.profiles as Array<{ name: string }>).map((spec) => spec.name)).toEqual(['dev']);
    expect(() => exportDocument(CURRENT, { profile: 'ghost' })).toThrow(/no profile named 'ghost'/);
  });
});
