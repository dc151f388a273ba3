import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TOOL_NAME_PATTERN, TOOL_GLOB_PATTERN } from '../../../../src/core/profiles/definition.js';
import {
  CALL_TOOL_NAME,
  CALL_TOOL_TOOL,
  compileToolGlobs,
  META_TOOLS,
  type MetaToolResult,
  readCallToolArguments,
  runSearchTools,
  SEARCH_TOOLS_NAME,
  SEARCH_TOOLS_TOOL,
  searchModeToolList,
} from '../../../../src/protocol/aggregate/metaTools.js';
import { createToolSearchIndex, type ToolSearchIndex } from '../../../../src/protocol/aggregate/toolSearch.js';
import { namesOf, referenceTools } from './referenceTools.js';

let tools: Tool[];
let index: ToolSearchIndex;
beforeAll(async () => {
  tools = await referenceTools();
  index = await createToolSearchIndex(tools);
}, 30_000);

const textOf = (result: MetaToolResult): string => result.content.map((part) => part.text).join('');

describe('search_tools', () => {
  it('answers the ranked matches with their input schemas, as JSON text and structured content', () => {
    const result = runSearchTools(index, { query: 'read a file', limit: 3 });
    expect(result.isError).toBeUndefined();
    const structured = result.structuredContent as {
      query: string;
      tools: Array<{ name: string; inputSchema: unknown }>;
    };
    expect(structured.query).toBe('read a file');
    expect(structured.tools).toHaveLength(3);
    for (const match of structured.tools) {
      expect(match.name).toMatch(/^filesystem__read_/);
      expect(match.inputSchema).toEqual(tools.find((tool) => tool.name === match.name)?.inputSchema);
    }
    expect(JSON.parse(textOf(result))).toEqual(structured);
  });

  it('returns 10 matches by default and up to 50', async () => {
    // Each name holds its server's name: this query matches every tool, twice over with a copy of each.
    const copies = tools.map((tool) => ({ ...tool, name: `copy_${tool.name}` }));
    const doubled = await createToolSearchIndex([...tools, ...copies]);
    const count = (limit?: number): number => {
      const args = { query: 'filesystem everything memory', ...(limit === undefined ? {} : { limit }) };
      return (runSearchTools(doubled, args).structuredContent as { tools: unknown[] }).tools.length;
    };
    expect(tools.length * 2).toBeGreaterThan(50);
    expect(count()).toBe(10);
    expect(count(50)).toBe(50);
    expect(count(1)).toBe(1);
  });

  it.each([
    [undefined, /query is required/],
    [{}, /query is required/],
    [{ query: '   ' }, /query is empty/],
    [{ query: 42 }, /query must be a string/],
    [{ query: 'file', limit: 0 }, /limit must be a whole number from 1 to 50/],
    [{ query: 'file', limit: 51 }, /limit must be at most 50/],
    [{ query: 'file', limit: 2.5 }, /limit must be a whole number/],
    [{ query: 'file', limit: '5' }, /limit must be a whole number/],
    [['read a file'], /the arguments must be an object/],
  ])('refuses %j with a tool error that says what is wrong and shows an example', (args, message) => {
    const result = runSearchTools(index, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(textOf(result)).toMatch(/^search_tools: .*Example arguments: \{"query": "read a file"/);
    expect(result.structuredContent).toBeUndefined();
  });
});

describe('call_tool', () => {
  it('reads the name and arguments for the aggregator to route', () => {
    expect(readCallToolArguments({ name: 'filesystem__read_text_file', arguments: { path: '/tmp/a' } })).toEqual({
      ok: true,
      target: { name: 'filesystem__read_text_file', arguments: { path: '/tmp/a' } },
    });
    expect(readCallToolArguments({ name: 'everything__get-env' })).toEqual({
      ok: true,
      target: { name: 'everything__get-env' },
    });
  });

  it.each([
    [undefined, /name is required/],
    [{ arguments: {} }, /name is required/],
    [{ name: '' }, /name is empty/],
    [{ name: 7 }, /name must be a string/],
    [{ name: 'everything__echo', arguments: 'hello' }, /arguments must be an object/],
    [{ name: 'everything__echo', arguments: ['hello'] }, /arguments must be an object/],
    [{ name: 'everything__echo', arguments: null }, /arguments must be an object/],
    ['everything__echo', /the arguments must be an object/],
  ])('refuses %j with a tool error', (args, message) => {
    const read = readCallToolArguments(args);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.result.isError).toBe(true);
    expect(textOf(read.result)).toMatch(message);
    expect(textOf(read.result)).toMatch(/^call_tool: .*Example arguments: \{"name": /);
  });
});

describe('pins', () => {
  it('lists the two meta-tools, then the pinned tools in profile order', () => {
    const listed = searchModeToolList(tools, ['filesystem__read_*', 'everything__ec?o']).map((tool) => tool.name);
    const readTools = namesOf(tools, 'filesystem').filter((name) => name.startsWith('filesystem__read_'));
    expect(listed).toEqual([SEARCH_TOOLS_NAME, CALL_TOOL_NAME, ...readTools, 'everything__echo']);
  });

  it('lists only the meta-tools without pins, and everything with *', () => {
    expect(searchModeToolList(tools, [])).toEqual([SEARCH_TOOLS_TOOL, CALL_TOOL_TOOL]);
    expect(searchModeToolList(tools, ['*'])).toEqual([...META_TOOLS, ...tools]);
    expect(
      searchModeToolList(tools, ['*__*_entities'])
        .map((tool) => tool.name)
        .slice(2),
    ).toEqual(namesOf(tools, 'memory').filter((name) => name.endsWith('_entities')));
  });

  it('matches whole names: * any run, ? exactly one character, every other character literal', () => {
    const matches = compileToolGlobs(['memory__read_graph', 'a.b', 'x?z', 'pre*']);
    expect(matches('memory__read_graph')).toBe(true);
    expect(matches('memory__read_graph2')).toBe(false);
    expect(matches('xmemory__read_graph')).toBe(false);
    expect(matches('a.b')).toBe(true);
    expect(matches('aXb')).toBe(false);
    expect(matches('xyz')).toBe(true);
    expect(matches('xz')).toBe(false);
    expect(matches('xyyz')).toBe(false);
    expect(matches('pre')).toBe(true);
    expect(matches('prefix-thing')).toBe(true);
  });
});

describe('a real tool named like a meta-tool', () => {
  // With naming.prefixFirst off, the first member's own names reach clients unprefixed.
  const wiki: Tool = {
    name: 'search_tools',
    description: 'Looks up power tools in the hardware wiki catalogue',
    inputSchema: { type: 'object', properties: { sku: { type: 'string' } } },
  };
  const caller: Tool = { name: 'call_tool', description: 'Phones the tool shop', inputSchema: { type: 'object' } };

  it('is not listed, even pinned: the meta-tool wins the name', () => {
    const listed = searchModeToolList([wiki, caller, ...tools], ['*']);
    expect(listed.filter((tool) => tool.name === SEARCH_TOOLS_NAME)).toEqual([SEARCH_TOOLS_TOOL]);
    expect(listed.filter((tool) => tool.name === CALL_TOOL_NAME)).toEqual([CALL_TOOL_TOOL]);
    expect(new Set(listed.map((tool) => tool.name)).size).toBe(listed.length);
  });

  it('is still found by search_tools and routed by call_tool under its own name', async () => {
    const shadowed = await createToolSearchIndex([wiki, caller, ...tools]);
    const found = runSearchTools(shadowed, { query: 'hardware wiki catalogue', limit: 1 }).structuredContent as {
      tools: Array<{ name: string; inputSchema: unknown }>;
    };
    expect(found.tools[0]).toMatchObject({ name: 'search_tools', inputSchema: wiki.inputSchema });
    expect(readCallToolArguments({ name: 'search_tools', arguments: { sku: 'X1' } })).toEqual({
      ok: true,
      target: { name: 'search_tools', arguments: { sku: 'X1' } },
    });
  });
});

describe('the meta-tools on the wire', () => {
  it('are valid for strict clients and pass the SDK client, which checks structured content against outputSchema', async () => {
    for (const tool of META_TOOLS) expect(tool.name).toMatch(CLIENT_TOOL_NAME_PATTERN);
    expect('filesystem__read_*').toMatch(TOOL_GLOB_PATTERN);

    // A stand-in for the aggregator's tools/list and tools/call, serving what this module answers.
    const server = new Server({ name: 'search-mode', version: '0.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: searchModeToolList(tools, ['memory__read_graph']) as Tool[],
    }));
    server.setRequestHandler(CallToolRequestSchema, (request) => {
      const { name, arguments: args } = request.params;
      if (name === SEARCH_TOOLS_NAME) return { ...runSearchTools(index, args) };
      const read = readCallToolArguments(args);
      return read.ok
        ? { content: [{ type: 'text', text: `routed ${JSON.stringify(read.target)}` }] }
        : { ...read.result };
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'strict', version: '0.0.0' });
    await client.connect(clientSide);
    try {
      const { tools: listed } = await client.listTools();
      expect(listed.map((tool) => tool.name)).toEqual([SEARCH_TOOLS_NAME, CALL_TOOL_NAME, 'memory__read_graph']);

      const found = await client.callTool({
        name: SEARCH_TOOLS_NAME,
        arguments: { query: 'knowledge graph entities' },
      });
      expect(found.isError).toBeFalsy();
      expect((found.structuredContent as { tools: Array<{ name: string }> }).tools[0]?.name).toMatch(/^memory__/);

      const refused = await client.callTool({ name: SEARCH_TOOLS_NAME, arguments: { query: '' } });
      expect(refused.isError).toBe(true);

      const routed = await client.callTool({
        name: CALL_TOOL_NAME,
        arguments: { name: 'everything__echo', arguments: { message: 'hi' } },
      });
      expect(routed.content).toEqual([
        { type: 'text', text: 'routed {"name":"everything__echo","arguments":{"message":"hi"}}' },
      ]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
