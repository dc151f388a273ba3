import { describe, expect, it } from 'vitest';
import { findClient } from '../../../../src/core/clients/catalog.js';
import { toClientEntry } from '../../../../src/core/clients/entry.js';
import { entryNameFor, gatewayTargetOf, stdioEntryValue } from '../../../../src/core/clients/ownership.js';

const self = { node: '/usr/bin/node', script: '/opt/mcpctl/dist/mcpctl.js', env: { MCPCTL_HOME: '/h' } };

describe("mcpctl's own entries", () => {
  it('entry names follow the strictest client rule', () => {
    expect(entryNameFor({ kind: 'server', name: 'fs' })).toBe('fs');
    expect(entryNameFor({ kind: 'server', name: 'my.server' })).toBe('my_server');
    expect(entryNameFor({ kind: 'server', name: '1password' })).toBe('mcpctl-1password');
    expect(entryNameFor({ kind: 'profile', name: 'work' })).toBe('mcpctl-work');
  });

  it('what install writes is recognised by what it runs, for a server and a profile', () => {
    for (const target of [
      { kind: 'server' as const, name: 'fs' },
      { kind: 'profile' as const, name: 'work' },
    ]) {
      const value = stdioEntryValue(findClient('claude-code'), self, target);
      expect(value).toMatchObject({ type: 'stdio', command: '/usr/bin/node', env: { MCPCTL_HOME: '/h' } });
      expect(gatewayTargetOf(toClientEntry('x', value))).toEqual(target);
    }
    expect(gatewayTargetOf(toClientEntry('x', { command: 'mcpctl', args: ['connect', 'fs'] }))).toEqual({
      kind: 'server',
      name: 'fs',
    });
  });

  it('gateway URLs on loopback are recognised; a name alone, another command or host is not', () => {
    expect(gatewayTargetOf(toClientEntry('x', { url: 'http://127.0.0.1:7711/servers/fs/mcp' }))).toEqual({
      kind: 'server',
      name: 'fs',
    });
    expect(gatewayTargetOf(toClientEntry('x', { serverUrl: 'http://localhost:7711/profiles/work/mcp' }))).toEqual({
      kind: 'profile',
      name: 'work',
    });
    expect(gatewayTargetOf(toClientEntry('mcpctl', { command: 'npx', args: ['connect', 'fs'] }))).toBeUndefined();
    expect(gatewayTargetOf(toClientEntry('x', { url: 'https://example.com:7711/servers/fs/mcp' }))).toBeUndefined();
  });
});
