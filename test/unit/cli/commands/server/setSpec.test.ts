import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildServerPatch, type SetFlags } from '../../../../../src/cli/commands/server/spec.js';

const NO_FLAGS: SetFlags = {
  env: [],
  header: [],
  label: [],
  root: [],
  unsetEnv: [],
  unsetHeader: [],
  unsetLabel: [],
  unsetRoot: [],
};

describe('buildServerPatch: server set flags with the add parsers', () => {
  it('holds only the flags given', () => {
    expect(buildServerPatch([], NO_FLAGS, '/home/u')).toEqual({});
    expect(buildServerPatch([], { ...NO_FLAGS, healthInterval: '5s', autostart: false }, '/home/u')).toEqual({
      policy: { healthIntervalMs: 5000 },
      autostart: false,
    });
  });

  it('parses every kind of flag as add does, relative paths against the caller', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpctl-set-'));
    try {
      const patch = buildServerPatch(
        ['python3', '-m', 'srv'],
        {
          ...NO_FLAGS,
          env: ['A=1', 'EMPTY='],
          unsetEnv: ['OLD'],
          cwd: 'sub',
          header: ['X-A: 1'],
          unsetHeader: ['X-B'],
          label: ['tier=b'],
          unsetLabel: ['team'],
          root: [dir],
          unsetRoot: ['gone'],
          share: 'isolated',
          pool: '2',
          restart: 'always',
          requestTimeout: '500ms',
        },
        '/home/u',
      );
      expect(patch).toEqual({
        command: 'python3',
        args: ['-m', 'srv'],
        env: { A: '1', EMPTY: '' },
        unsetEnv: ['OLD'],
        cwd: '/home/u/sub',
        headers: { 'X-A': '1' },
        unsetHeaders: ['X-B'],
        labels: { tier: 'b' },
        unsetLabels: ['team'],
        roots: [dir],
        unsetRoots: ['/home/u/gone'],
        share: 'isolated',
        pool: 2,
        policy: { restart: 'always', requestTimeoutMs: 500 },
      });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('takes --replicas N or all, and refuses anything else with a hint', () => {
    expect(buildServerPatch([], { ...NO_FLAGS, replicas: '2' }, '/home/u')).toEqual({ replicas: 2 });
    expect(buildServerPatch([], { ...NO_FLAGS, replicas: 'all' }, '/home/u')).toEqual({ replicas: 'all' });
    for (const bad of ['0', '65', 'some', '-1']) {
      expect(() => buildServerPatch([], { ...NO_FLAGS, replicas: bad }, '/home/u')).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`'${bad}'`) }),
      );
    }
  });

  it('refuses bad values with the add messages (exit 2)', () => {
    const bad = (flags: Partial<SetFlags>) => () => buildServerPatch([], { ...NO_FLAGS, ...flags }, '/');
    expect(bad({ healthInterval: '10' })).toThrow("invalid --health-interval '10': a duration needs its unit");
    expect(bad({ env: ['1A=x'] })).toThrow("invalid --env '1A=x'");
    expect(bad({ unsetEnv: ['A=1'] })).toThrow("invalid --unset-env 'A=1'");
    expect(bad({ restart: 'sometimes' })).toThrow(/--restart/);
    expect(bad({ url: 'not a url' })).toThrow("invalid --url 'not a url': not a URL");
    expect(bad({ root: ['/no/such/dir'] })).toThrow('--root /no/such/dir: /no/such/dir does not exist');
  });
});
