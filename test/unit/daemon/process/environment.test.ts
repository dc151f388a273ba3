import { describe, expect, it } from 'vitest';
import { buildChildEnvironment } from '../../../../src/daemon/process/environment.js';

describe('buildChildEnvironment', () => {
  const parent = {
    HOME: '/home/me',
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    https_proxy: 'http://proxy:3128',
    MCPCTL_SECRET_KEY: 'do-not-leak',
    MCPCTL_HOME: '/tmp/x',
    AWS_SECRET_ACCESS_KEY: 'nope',
    GITHUB_TOKEN: 'nope',
    BASH_FUNC_x: '() { evil; }',
    TERM: '() { evil; }',
  };

  it('inherits only the allowlist', () => {
    expect(buildChildEnvironment(parent, {})).toEqual({
      HOME: '/home/me',
      PATH: '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      https_proxy: 'http://proxy:3128',
    });
  });

  it("lets the definition's env add and override", () => {
    const env = buildChildEnvironment(parent, { PATH: '/opt/bin', GITHUB_TOKEN: 'given-on-purpose' });
    expect(env.PATH).toBe('/opt/bin');
    expect(env.GITHUB_TOKEN).toBe('given-on-purpose');
    expect(env.MCPCTL_SECRET_KEY).toBeUndefined();
  });

  it('skips unset variables instead of passing "undefined"', () => {
    expect(buildChildEnvironment({ PATH: '/bin', HOME: undefined }, {})).toEqual({ PATH: '/bin' });
  });
});
