import { describe, expect, it } from 'vitest';
import { profileSpecSchema } from '../../../../src/core/profiles/definition.js';
import { instanceKey, neededInstances, serverOfInstance } from '../../../../src/core/profiles/instanceIdentity.js';
import { serverSpecSchema } from '../../../../src/core/servers/definition.js';

const slack = serverSpecSchema.parse({
  name: 'slack',
  transport: 'stdio',
  command: 'node',
  env: { TEAM: 'a', X: '1' },
});
const web = serverSpecSchema.parse({ name: 'web', transport: 'http', url: 'https://example.com/mcp' });
const profile = (name: string, members: Array<{ server: string; env?: Record<string, string> }>) =>
  profileSpecSchema.parse({ name, members });

describe('instance identity by effective configuration', () => {
  it("is the server's own name when the member's env changes nothing (none, or the server's own values)", () => {
    expect(instanceKey(slack, {})).toBe('slack');
    expect(instanceKey(slack, { TEAM: 'a' })).toBe('slack');
    expect(instanceKey(web, { TEAM: 'b' })).toBe('web'); // http servers take no env
  });

  it('is SERVER@<hash> of the effective env: equal configurations share it, whatever the order of the entries', () => {
    const key = instanceKey(slack, { TEAM: 'b' });
    expect(key).toMatch(/^slack@[0-9a-f]{10}$/);
    expect(instanceKey(slack, { X: '1', TEAM: 'b' })).toBe(key);
    expect(instanceKey(slack, { TEAM: 'c' })).not.toBe(key);
    expect(serverOfInstance(key)).toBe('slack');
    // Deterministic across runs: the same input hashes the same (a literal, so a change of the rule shows).
    expect(key).toBe('slack@f2fabb9ff2');
  });

  it('lists what the profiles need, with the profiles each instance serves and only the env they lay over', () => {
    const needed = neededInstances(
      [
        profile('p2', [{ server: 'slack', env: { TEAM: 'b' } }]),
        profile('p1', [{ server: 'slack', env: { TEAM: 'b', X: '1' } }, { server: 'web' }]),
        profile('p3', [{ server: 'slack' }, { server: 'gone', env: { A: '1' } }]),
      ],
      (name) => [slack, web].find((spec) => spec.name === name),
    );
    const derived = instanceKey(slack, { TEAM: 'b' });
    expect([...needed.values()].map(({ key, profiles, overlay }) => ({ key, profiles, overlay }))).toEqual([
      { key: derived, profiles: ['p1', 'p2'], overlay: { TEAM: 'b' } },
      { key: 'web', profiles: ['p1'], overlay: {} },
      { key: 'slack', profiles: ['p3'], overlay: {} },
    ]);
    expect(needed.get(derived)?.env).toEqual({ TEAM: 'b', X: '1' });
  });
});
