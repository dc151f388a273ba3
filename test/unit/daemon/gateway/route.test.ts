import { describe, expect, it } from 'vitest';
import { describeTarget, parseRoute, profileOfTarget, targetPath } from '../../../../src/daemon/gateway/route.js';

describe('gateway routes', () => {
  it('reads servers and profiles, a profile as a target no server name can be', () => {
    expect(parseRoute('/servers/everything/mcp')).toEqual({ server: 'everything', endpoint: 'mcp', query: '' });
    expect(parseRoute('/profiles/work/mcp')).toEqual({ server: 'profiles/work', endpoint: 'mcp', query: '' });
    expect(parseRoute('/profiles/work/messages?sessionId=abc')).toEqual({
      server: 'profiles/work',
      endpoint: 'messages',
      query: 'sessionId=abc',
    });
    expect(profileOfTarget('profiles/work')).toBe('work');
    expect(profileOfTarget('work')).toBeUndefined();
    expect(targetPath('profiles/work')).toBe('/profiles/work');
    expect(targetPath('everything')).toBe('/servers/everything');
    expect(describeTarget('profiles/work')).toBe('profile work');
  });

  it('refuses names in a bad shape and other paths', () => {
    for (const url of [
      '/profiles/..%2Fx/mcp',
      '/profiles/../mcp',
      '/profiles/Work/mcp',
      '/profiles//mcp',
      '/profiles/a/b/mcp',
      '/profile/work/mcp',
      '/profiles/work/other',
    ]) {
      expect(parseRoute(url), url).toBeUndefined();
    }
  });
});
