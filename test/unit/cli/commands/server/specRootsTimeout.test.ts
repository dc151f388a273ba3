import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateServerSpec } from '../../../../../src/cli/commands/server/add.js';
import { type AddFlags, buildServerSpec } from '../../../../../src/cli/commands/server/spec.js';
import { serverSpecSchema } from '../../../../../src/core/servers/definition.js';
import { failure } from '../../../../helpers/errors.js';

const base = mkdtempSync(join(tmpdir(), 'mcpctl-spec-roots-'));
mkdirSync(join(base, 'project'));
writeFileSync(join(base, 'file.txt'), 'x');
afterAll(() => rmSync(base, { recursive: true, force: true }));

function flags(overrides: Partial<AddFlags> = {}): AddFlags {
  return { env: [], header: [], label: [], autostart: true, ...overrides };
}

describe('server add --root', () => {
  it('stores each root as an absolute path, resolved against the caller’s directory, once', () => {
    const spec = buildServerSpec('fs', ['node', 'fs.js'], flags({ root: ['project', join(base, 'project')] }), base);
    expect(spec).toMatchObject({ roots: [join(base, 'project')] });
    validateServerSpec(spec);
  });

  it.each([
    ['a root that does not exist', flags({ root: ['missing'] }), /does not exist/],
    ['a root that is a file', flags({ root: ['file.txt'] }), /is not a directory/],
    ['--root with --share isolated', flags({ root: ['project'], share: 'isolated' }), /applies to shared servers/],
  ])('refuses %s with exit 2 and a hint', (_, given, message) => {
    const error = failure(() => buildServerSpec('fs', ['node'], given, base));
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBeTruthy();
  });

  it('refuses --root with --url', () => {
    const error = failure(() => buildServerSpec('x', [], flags({ url: 'https://e.com', root: ['project'] }), base));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/--root applies to stdio servers/);
  });

  it('the schema refuses roots on an isolated server too (the API edge)', () => {
    const parsed = serverSpecSchema.safeParse({
      name: 'fs',
      transport: 'stdio',
      command: 'node',
      share: 'isolated',
      roots: ['/tmp'],
    });
    expect(parsed.success).toBe(false);
  });
});

describe('server add --request-timeout', () => {
  it('stores a duration in the policy, 60 s by default', () => {
    const spec = buildServerSpec('x', ['node'], flags({ requestTimeout: '300ms' }), '/');
    expect(spec.policy).toEqual({ requestTimeoutMs: 300 });
    const defaults = serverSpecSchema.parse(buildServerSpec('x', ['node'], flags(), '/'));
    expect(defaults.policy.requestTimeoutMs).toBe(60_000);
  });

  it('refuses what is not a duration, with exit 2', () => {
    const error = failure(() => buildServerSpec('x', ['node'], flags({ requestTimeout: 'soon' }), '/'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/--request-timeout/);
  });
});
