import { describe, expect, it } from 'vitest';
import { type DeclarativeDocumentInput, declarativeDocumentSchema } from '../../../../src/core/config/declarative.js';
import { type ApplyTarget, applyDocument } from '../../../../src/core/config/declarativeApply.js';
import type { DefinedState } from '../../../../src/core/config/declarativePlan.js';
import type { ProfileSpec } from '../../../../src/core/profiles/definition.js';
import type { ServerSpec } from '../../../../src/core/servers/definition.js';
import { McpctlError } from '../../../../src/shared/errors.js';

/**
 * An in-memory ApplyTarget (the port the daemon implements over the supervisor and the profiles
 * registry), recording each change in order, and refusing what a real registry would: a profile
 * whose member is not defined, a server still used by a profile.
 */
function memoryTarget(initial: DefinedState, failOn?: string) {
  const servers = new Map(initial.servers.map((spec) => [spec.name, spec]));
  const profiles = new Map(initial.profiles.map((spec) => [spec.name, spec]));
  const calls: string[] = [];
  const failIf = (what: string) => {
    if (what === failOn) throw new McpctlError('SERVER_FAILED', `${what} failed`);
  };
  const target: ApplyTarget = {
    current: async () => ({ servers: [...servers.values()], profiles: [...profiles.values()] }),
    preflight: async () => {
      calls.push('preflight');
    },
    addServer: async (spec: ServerSpec) => {
      failIf(`add ${spec.name}`);
      calls.push(`add ${spec.name}`);
      servers.set(spec.name, spec);
    },
    updateServer: async (spec: ServerSpec) => {
      calls.push(`update ${spec.name}`);
      servers.set(spec.name, spec);
      // As the supervisor decides: here, only a new command rolls the instance over.
      const commandOf = (server: ServerSpec | undefined) =>
        server?.transport === 'stdio' ? server.command : undefined;
      return { rolled: commandOf(spec) !== commandOf(initial.servers.find((s) => s.name === spec.name)) };
    },
    removeServer: async (name: string) => {
      const user = [...profiles.values()].find((profile) => profile.members.some((m) => m.server === name));
      if (user) throw new McpctlError('INVALID_ARGUMENT', `server ${name} is used by profile ${user.name}`);
      calls.push(`remove ${name}`);
      servers.delete(name);
    },
    putProfile: async (spec: ProfileSpec) => {
      for (const member of spec.members) {
        if (!servers.has(member.server)) throw new McpctlError('NOT_FOUND', `no server ${member.server}`);
      }
      calls.push(`put ${spec.name}`);
      profiles.set(spec.name, spec);
    },
    removeProfile: async (name: string) => {
      calls.push(`remove profile ${name}`);
      profiles.delete(name);
    },
  };
  return { target, calls };
}

const doc = (input: Omit<DeclarativeDocumentInput, 'apiVersion'>) =>
  declarativeDocumentSchema.parse({ apiVersion: 'mcpctl/v1', ...input });
const stdio = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  transport: 'stdio' as const,
  command: 'node',
  ...extra,
});

const BEFORE = doc({
  servers: [stdio('a'), stdio('b'), stdio('old')],
  profiles: [
    { name: 'p', members: [{ server: 'a' }, { server: 'old' }] },
    { name: 'gone', members: [{ server: 'old' }] },
  ],
});

describe('applyDocument', () => {
  it('applies in an order a real registry accepts: servers, profiles, then deletions', async () => {
    const { target, calls } = memoryTarget(BEFORE);
    const desired = doc({
      servers: [stdio('a'), stdio('b', { args: ['x'] }), stdio('c')],
      profiles: [{ name: 'p', members: [{ server: 'a' }, { server: 'c' }] }],
    });
    const outcome = await applyDocument(target, desired, { prune: true, dryRun: false });
    expect(outcome.error).toBeNull();
    expect(calls).toEqual(['preflight', 'update b', 'add c', 'put p', 'remove profile gone', 'remove old']);
    expect(outcome.steps.map((step) => step.status)).toEqual(Array(6).fill('applied'));
    // Planned as a roll-over (args changed); the target edited it in place, and the outcome says so.
    expect(outcome.steps.find((step) => step.name === 'b')?.action).toBe('update');
    // The second run finds nothing to do and calls nothing.
    calls.length = 0;
    const again = await applyDocument(target, desired, { prune: true, dryRun: false });
    expect(again.changed).toBe(false);
    expect(calls).toEqual([]);
  });

  it('changes nothing in a dry run', async () => {
    const { target, calls } = memoryTarget(BEFORE);
    const outcome = await applyDocument(target, doc({ servers: [stdio('z')] }), { prune: true, dryRun: true });
    expect(outcome.changed).toBe(true);
    expect(outcome.steps.every((step) => step.status === 'planned')).toBe(true);
    expect(calls).toEqual([]);
  });

  it('refuses a member that is neither in the file nor defined, before any change', async () => {
    const { target, calls } = memoryTarget(BEFORE);
    const desired = doc({ servers: [stdio('new')], profiles: [{ name: 'q', members: [{ server: 'ghost' }] }] });
    await expect(applyDocument(target, desired, { prune: false, dryRun: false })).rejects.toThrow(
      "profiles[0].members[0].server: no server named 'ghost' in the file or defined",
    );
    expect(calls).toEqual([]);
  });

  it('stops at a failed step and says which were applied and which were not', async () => {
    const { target, calls } = memoryTarget(BEFORE, 'add d');
    const desired = doc({ servers: [stdio('c'), stdio('d'), stdio('e')] });
    const outcome = await applyDocument(target, desired, { prune: false, dryRun: false });
    expect(outcome.error?.message).toBe('add d failed');
    expect(outcome.steps.map((step) => `${step.name} ${step.status}`)).toEqual([
      'c applied',
      'd failed',
      'e not-applied',
    ]);
    expect(calls).toEqual(['preflight', 'add c']);
  });
});
