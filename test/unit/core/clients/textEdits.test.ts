import { describe, expect, it } from 'vitest';
import { parseJsonText, withJsonEntry, withoutJsonEntry } from '../../../../src/core/clients/jsonText.js';
import { withoutTomlEntry, withTomlEntry } from '../../../../src/core/clients/tomlText.js';
import type { McpctlError } from '../../../../src/shared/errors.js';

const ENTRY = { command: '/usr/bin/node', args: ['/opt/mcpctl.js', 'connect', 'x'] };

function roundTrip(text: string, keyPath: string[], comments = true): string {
  const added = withJsonEntry(text, parseJsonText(text, 'f', comments), keyPath, 'x', ENTRY);
  expect(JSON.stringify(added)).not.toBe(JSON.stringify(text));
  const removed = withoutJsonEntry(added, parseJsonText(added, 'f', comments), keyPath, 'x');
  expect(removed).toBe(text);
  return added;
}

describe('JSON/JSONC edits: one property in, the same bytes back out', () => {
  it('keeps siblings, comments and odd formatting as they were', () => {
    const text = '{\n  // c\n  "a":1,\n  "mcpServers": {\n    "y": {"command":"z"} // keep\n  },\n  "b": [1,2]\n}\n';
    const added = roundTrip(text, ['mcpServers']);
    expect(added).toContain('"y": {"command":"z"},\n    "x": {');
    expect(added).toContain('} // keep\n  },\n  "b": [1,2]');
  });

  it('after a trailing comma (JSONC), into an empty map, and a map or nested path it creates', () => {
    roundTrip('{\n  "servers": {\n    "y": { "command": "z" },\n  },\n}\n', ['servers']);
    roundTrip('{\n  "a": 1\n}\n', ['mcpServers']);
    roundTrip('{\n  "projects": {\n    "/other": { "k": 1 }\n  }\n}\n', ['projects', '/repo', 'mcpServers'], false);
  });

  it('CRLF and tabs are followed', () => {
    const added = roundTrip('{\r\n\t"mcpServers": {\r\n\t\t"y": {}\r\n\t}\r\n}\r\n', ['mcpServers']);
    expect(added).toContain('\r\n\t\t"x": {\r\n\t\t\t"command"');
  });

  it('an empty or missing file becomes a small document', () => {
    expect(withJsonEntry('', undefined, ['mcpServers'], 'x', { url: 'u' })).toBe(
      '{\n  "mcpServers": {\n    "x": {\n      "url": "u"\n    }\n  }\n}\n',
    );
  });

  it('a syntax error names file:line:col; a comment in strict JSON is one', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b" 2\n}', '/c.json', false)).toThrow('/c.json:3:7: ColonExpected');
    expect(() => parseJsonText('{\n  // no\n}', '/c.json', false)).toThrow(/^\/c\.json:2:3: InvalidCommentToken/);
    expect(() => parseJsonText('{\n  // yes\n}', '/c.json', true)).not.toThrow();
    try {
      parseJsonText('[1]', '/c.json', true);
    } catch (error) {
      expect((error as McpctlError).exitCode).toBe(3);
    }
  });
});

describe('TOML edits: only the table lines', () => {
  const text =
    '# top\nmodel = "o3"\n\n[mcp_servers.y]\ncommand = "z" # why\n\n# next table\n[profiles.p]\nmodel = "m"\n';

  it('appends a table and removes exactly it again', () => {
    const added = withTomlEntry(text, 'f', 'mcp_servers', 'x', { ...ENTRY, env: { MCPCTL_HOME: '/h' } });
    expect(added).toBe(
      `${text}\n[mcp_servers.x]\ncommand = "/usr/bin/node"\nargs = ["/opt/mcpctl.js", "connect", "x"]\nenv = { MCPCTL_HOME = "/h" }\n`,
    );
    expect(withoutTomlEntry(added, 'f', 'mcp_servers', 'x')).toBe(text);
  });

  it('removing a table in the middle keeps the comment of the next one', () => {
    expect(withoutTomlEntry(text, 'f', 'mcp_servers', 'y')).toBe(
      '# top\nmodel = "o3"\n\n# next table\n[profiles.p]\nmodel = "m"\n',
    );
  });

  it('refuses an edit that would change more than the entry (inline mcp_servers table)', () => {
    expect(() => withTomlEntry('mcp_servers = { y = { command = "z" } }\n', 'f', 'mcp_servers', 'x', ENTRY)).toThrow(
      /cannot add 'x'/,
    );
  });

  it('a syntax error names file:line:col', () => {
    expect(() => withTomlEntry('a = 1\n[b\n', '/c.toml', 'mcp_servers', 'x', ENTRY)).toThrow(/^\/c\.toml:2:\d+: /);
  });
});
