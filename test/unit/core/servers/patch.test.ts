import { describe, expect, it } from 'vitest';
import {
  changedFields,
  needsRollover,
  type ServerSpec,
  serverSpecSchema,
} from '../../../../src/core/servers/definition.js';
import { applyServerPatch, isEmptyPatch, serverPatchSchema } from '../../../../src/core/servers/patch.js';

const stdio = serverSpecSchema.parse({
  name: 'fs',
  transport: 'stdio',
  command: 'node',
  args: ['server.js'],
  env: { A: '1', B: '2' },
  labels: { team: 'x' },
  roots: ['/srv'],
});
const http = serverSpecSchema.parse({
  name: 'docs',
  transport: 'http',
  url: 'https://example.com/mcp',
  headers: { Authorization: 'Bearer t', 'X-A': '1' },
});
const apply = (spec: ServerSpec, patch: unknown) =>
  serverSpecSchema.parse(applyServerPatch(spec, serverPatchSchema.parse(patch)));

describe('applyServerPatch: what server set changes', () => {
  it('sets replicas on either transport and keeps them through other edits; zod refuses a bad count', () => {
    expect(apply(stdio, { replicas: 2 }).replicas).toBe(2);
    expect(apply(http, { replicas: 'all' }).replicas).toBe('all');
    expect(apply(apply(stdio, { replicas: 3 }), { labels: { a: 'b' } }).replicas).toBe(3);
    expect(apply(stdio, {}).replicas).toBeUndefined();
    expect(() => apply(stdio, { replicas: 0 })).toThrow();
    expect(() => serverSpecSchema.parse({ ...stdio, replicas: 65 })).toThrow(/at most 64/);
  });

  it('merges env, labels and roots, removes unset entries, and keeps every field not named', () => {
    const edited = apply(stdio, {
      env: { B: '3', C: '4' },
      unsetEnv: ['A'],
      labels: { tier: 'b' },
      unsetLabels: ['team'],
      roots: ['/data'],
      unsetRoots: ['/srv'],
      policy: { healthIntervalMs: 5000 },
    });
    expect(edited).toEqual({
      ...stdio,
      env: { B: '3', C: '4' },
      labels: { tier: 'b' },
      roots: ['/data'],
      policy: { ...stdio.policy, healthIntervalMs: 5000 },
    });
  });

  it('a new command replaces the args too; a policy patch never brings defaults back', () => {
    const custom = apply(stdio, { policy: { restart: 'always', stopGraceMs: 100 } });
    const edited = apply(custom, { command: 'python3', args: ['-m', 'srv'], policy: { healthRetries: 9 } });
    expect(edited).toMatchObject({ command: 'python3', args: ['-m', 'srv'] });
    expect(edited.policy).toMatchObject({ restart: 'always', stopGraceMs: 100, healthRetries: 9 });
    expect(apply(stdio, { command: 'other' })).toMatchObject({ args: [] });
  });

  it('a legacy SSE server stays one', () => {
    const sse = serverSpecSchema.parse({ name: 'old', transport: 'http', url: 'https://example.com/sse', sse: true });
    const edited = serverSpecSchema.parse(applyServerPatch(sse, serverPatchSchema.parse({ headers: { 'x-a': '1' } })));
    expect(edited).toMatchObject({ transport: 'http', sse: true, headers: { 'x-a': '1' } });
  });

  it('headers: merged and unset by name whatever the case', () => {
    const edited = serverSpecSchema.parse(
      applyServerPatch(http, serverPatchSchema.parse({ headers: { 'x-a': '2' }, unsetHeaders: ['authorization'] })),
    );
    expect(edited).toMatchObject({ transport: 'http', headers: { 'x-a': '2' } });
  });

  it('refuses a flag of the other transport, and --pool on a shared server', () => {
    expect(() => applyServerPatch(stdio, { url: 'https://x/mcp' })).toThrow(
      "--url applies to http servers; 'fs' is a stdio server",
    );
    expect(() => applyServerPatch(http, { env: { A: '1' }, cwd: '/tmp' })).toThrow(
      "--env, --cwd apply to stdio servers; 'docs' is an http server",
    );
    expect(() => applyServerPatch(stdio, { pool: 2 })).toThrow('--pool and --max-sessions apply to isolated servers');
    expect(applyServerPatch(stdio, { share: 'isolated', pool: 2, unsetRoots: ['/srv'] })).toMatchObject({ pool: 2 });
  });

  it('an empty patch is empty; a policy field with a bad value is refused by the schema', () => {
    expect(isEmptyPatch(serverPatchSchema.parse({}))).toBe(true);
    expect(isEmptyPatch(serverPatchSchema.parse({ autostart: false }))).toBe(false);
    expect(serverPatchSchema.safeParse({ policy: { restart: 'sometimes' } }).success).toBe(false);
    expect(serverPatchSchema.safeParse({ policy: { nope: 1 } }).success).toBe(false);
  });
});

describe('which edits roll a running server over', () => {
  it('launch fields do; policy, labels and autostart do not', () => {
    expect(needsRollover(stdio, apply(stdio, { env: { A: '9' } }))).toBe(true);
    expect(needsRollover(stdio, apply(stdio, { cwd: '/tmp' }))).toBe(true);
    expect(needsRollover(stdio, apply(stdio, { command: 'node', args: ['other.js'] }))).toBe(true);
    expect(needsRollover(stdio, apply(stdio, { policy: { requestTimeoutMs: 1000 }, labels: { a: 'b' } }))).toBe(false);
    expect(needsRollover(stdio, apply(stdio, { autostart: false }))).toBe(false);
    const reheadered = serverSpecSchema.parse(
      applyServerPatch(http, serverPatchSchema.parse({ headers: { 'X-A': '2' } })),
    );
    expect(needsRollover(http, reheadered)).toBe(true);
    expect(needsRollover(stdio, http)).toBe(true);
    expect(changedFields(stdio, apply(stdio, { env: { A: '9' }, policy: { restart: 'never' } }))).toEqual([
      'env',
      'policy.restart',
    ]);
  });
});
