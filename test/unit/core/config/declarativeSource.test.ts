import { describe, expect, it } from 'vitest';
import { checkReferences } from '../../../../src/core/config/declarative.js';
import { invalidDocument, readDeclarative } from '../../../../src/core/config/declarativeSource.js';
import { McpctlError } from '../../../../src/shared/errors.js';

async function problemsOf(text: string, file = 'mcpctl.yaml'): Promise<string> {
  try {
    await readDeclarative(text, file);
  } catch (error) {
    if (error instanceof McpctlError) {
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.exitCode).toBe(3);
      return error.message;
    }
    throw error;
  }
  throw new Error('the document was accepted');
}

const GOOD = `apiVersion: mcpctl/v1
servers:
  - name: memory
    transport: stdio
    command: node
    args: [memory.js]
  - name: docs
    transport: http
    url: https://example.com/mcp
profiles:
  - name: dev
    members:
      - server: memory
`;

describe('readDeclarative', () => {
  it('reads a YAML document with the definitions and their defaults', async () => {
    const { document } = await readDeclarative(GOOD, 'mcpctl.yaml');
    expect(document.servers.map((server) => server.name)).toEqual(['memory', 'docs']);
    expect(document.servers[0]).toMatchObject({ transport: 'stdio', env: {}, autostart: true });
    expect(document.servers[0]?.policy.restart).toBe('on-failure');
    expect(document.profiles[0]?.naming.separator).toBe('__');
  });

  it('names file:line:column of an unknown field in the second entry when the first is valid', async () => {
    const text = GOOD.replace(
      '    url: https://example.com/mcp\n',
      '    url: https://example.com/mcp\n    comand: x\n',
    );
    expect(await problemsOf(text)).toBe("mcpctl.yaml:10:5: servers[1].comand: unknown field 'comand'");
  });

  it('names the value of a field of the wrong type, a bad name, and a missing field, all at once', async () => {
    const text = `apiVersion: mcpctl/v1
servers:
  - name: Bad_Name
    transport: stdio
    command: node
    autostart: "yes"
  - name: two
    transport: stdio
`;
    const lines = (await problemsOf(text)).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^mcpctl\.yaml:3:11: servers\[0\]\.name: must be 1-63 characters/);
    expect(lines[1]).toMatch(/^mcpctl\.yaml:6:16: servers\[0\]\.autostart: .*boolean/);
    // A missing key points at the entry that lacks it.
    expect(lines[2]).toMatch(/^mcpctl\.yaml:7:5: servers\[1\]\.command: /);
  });

  it('names the discriminator when the transport is neither stdio nor http', async () => {
    const text = 'apiVersion: mcpctl/v1\nservers:\n  - name: a\n    transport: sse\n';
    expect(await problemsOf(text)).toBe(
      'mcpctl.yaml:4:16: servers[0].transport: expected "stdio" or "http", not "sse"',
    );
    // A misspelt transport: zod cannot tell which fields are unknown, the reader still names it.
    const typo = 'apiVersion: mcpctl/v1\nservers:\n  - name: a\n    transprt: stdio\n    command: node\n';
    expect((await problemsOf(typo)).split('\n')).toEqual([
      'mcpctl.yaml:3:5: servers[0].transport: missing (expected "stdio" or "http")',
      "mcpctl.yaml:4:5: servers[0].transprt: unknown field 'transprt'",
    ]);
  });

  it('refuses a name defined twice, at the second one', async () => {
    const text = `apiVersion: mcpctl/v1
servers:
  - {name: a, transport: stdio, command: node}
  - {name: a, transport: stdio, command: node}
`;
    expect(await problemsOf(text)).toBe("mcpctl.yaml:4:12: servers[1].name: server 'a' is defined twice");
  });

  it('gives positions in JSON files too', async () => {
    const json = JSON.stringify(
      { apiVersion: 'mcpctl/v1', servers: [{ name: 'a', transport: 'stdio', command: 'node', args: 'x' }] },
      null,
      2,
    );
    expect(await problemsOf(json, 'mcpctl.json')).toMatch(/^mcpctl\.json:8:15: servers\[0\]\.args: .*array/);
    const { document } = await readDeclarative(json.replace('"args": "x"', '"args": ["x"]'), 'mcpctl.json');
    expect(document.servers[0]).toMatchObject({ name: 'a', args: ['x'] });
  });

  it('names YAML syntax errors and a wrong apiVersion', async () => {
    expect(await problemsOf('apiVersion: mcpctl/v1\nservers: [\n')).toMatch(/^mcpctl\.yaml:\d+:\d+: /);
    expect(await problemsOf('apiVersion: v2\n')).toBe('mcpctl.yaml:1:13: apiVersion: expected apiVersion: mcpctl/v1');
    expect(await problemsOf('')).toMatch(/^mcpctl\.yaml:1:1: /);
  });
});

describe('checkReferences', () => {
  it('accepts members of the file or already defined, and names the others at their place', async () => {
    const text = `${GOOD}      - server: other
      - server: ghost
`;
    const source = await readDeclarative(text, 'f.yaml');
    const problems = checkReferences(source.document, ['other'], { prune: false });
    expect(invalidDocument(problems, source.where).message).toBe(
      "f.yaml:15:17: profiles[0].members[2].server: no server named 'ghost' in the file or defined",
    );
    const pruned = checkReferences(source.document, ['other'], { prune: true });
    expect(pruned.map((problem) => problem.message)).toEqual([
      "server 'other' is not in the file, and --prune would remove it",
      "no server named 'ghost' in the file or defined",
    ]);
  });
});
