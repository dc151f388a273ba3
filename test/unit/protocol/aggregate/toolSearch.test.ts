import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createToolSearchIndex,
  MAX_SEARCH_LIMIT,
  type SearchableTool,
  toolTextWords,
} from '../../../../src/protocol/aggregate/toolSearch.js';
import { namesOf, referenceTools } from './referenceTools.js';

let tools: Tool[];
beforeAll(async () => {
  tools = await referenceTools();
}, 30_000);

const names = (matches: readonly { name: string }[]): string[] => matches.map((match) => match.name);

describe('words of a tool name or sentence', () => {
  it('splits namespaced snake_case, kebab-case, camelCase and acronyms into lower-case words', () => {
    expect(toolTextWords('filesystem__read_text_file')).toEqual(['filesystem', 'read', 'text', 'file']);
    expect(toolTextWords('readTextFile')).toEqual(['read', 'text', 'file']);
    expect(toolTextWords('everything__get-tiny-image')).toEqual(['everything', 'get', 'tiny', 'image']);
    expect(toolTextWords('startHTTPServer v2')).toEqual(['start', 'http', 'server', 'v2']);
    expect(toolTextWords('Read the file, then "edit" it.')).toEqual(['read', 'the', 'file', 'then', 'edit', 'it']);
  });
});

describe('searching the tools of server-filesystem, server-everything and server-memory', () => {
  it('ranks filesystem\'s read tools first for "read a file"', async () => {
    const index = await createToolSearchIndex(tools);
    // Whatever this version of server-filesystem has: read_file, read_text_file, read_media_file, read_multiple_files...
    const readTools = namesOf(tools, 'filesystem').filter((name) => /__read_/.test(name));
    expect(readTools.length).toBeGreaterThanOrEqual(2);
    const top = names(index.search('read a file', readTools.length));
    expect(new Set(top)).toEqual(new Set(readTools));
  });

  it('finds a tool by its name in any spelling: readTextFile, read_text_file, "read text file"', async () => {
    const index = await createToolSearchIndex(tools);
    for (const query of ['readTextFile', 'read_text_file', 'read text file']) {
      expect(index.search(query, 1)[0]?.name, query).toBe('filesystem__read_text_file');
    }
  });

  it('finds memory\'s entity tools for "knowledge graph entities"', async () => {
    const index = await createToolSearchIndex(tools);
    const top = names(index.search('knowledge graph entities', 5));
    expect(top).toHaveLength(5);
    for (const name of top) expect(name).toMatch(/^memory__/);
    const entityTools = namesOf(tools, 'memory').filter((name) => name.endsWith('_entities'));
    expect(entityTools.length).toBeGreaterThan(0);
    expect(top.slice(0, entityTools.length).sort()).toEqual([...entityTools].sort());
  });

  it('folds plurals and verb forms ("reading files"), takes prefixes ("dir") and forgives typos ("knowlege")', async () => {
    const index = await createToolSearchIndex(tools);
    expect(names(index.search('reading files', 2)).every((name) => /^filesystem__read_/.test(name))).toBe(true);
    expect(names(index.search('dir', 3)).every((name) => /^filesystem__.*director/.test(name))).toBe(true);
    expect(index.search('knowlege graph', 1)[0]?.name).toMatch(/^memory__/);
  });

  it('returns each match with its title, description and input schema, best first', async () => {
    const index = await createToolSearchIndex(tools);
    const [best, second] = index.search('echo');
    const echo = tools.find((tool) => tool.name === 'everything__echo');
    expect(best).toMatchObject({
      name: 'everything__echo',
      title: echo?.title,
      description: echo?.description,
      inputSchema: echo?.inputSchema,
    });
    expect(best?.score).toBeGreaterThan(0);
    if (second !== undefined) expect(second.score).toBeLessThanOrEqual(best?.score ?? 0);
  });

  it('returns at most `limit` matches, never more than the maximum, and nothing for stop words', async () => {
    const index = await createToolSearchIndex(tools);
    expect(index.search('file', 3)).toHaveLength(3);
    expect(index.search('file').length).toBe(10);
    const everything = tools.map((tool) => tool.description ?? '').join(' ');
    expect(index.search(everything, 1000).length).toBeLessThanOrEqual(MAX_SEARCH_LIMIT);
    expect(index.search('the a of to with', 10)).toEqual([]);
    expect(index.search('', 10)).toEqual([]);
  });
});

describe('ranking and updates', () => {
  const tool = (name: string, description: string, title?: string): SearchableTool => ({
    name,
    description,
    inputSchema: { type: 'object' },
    ...(title === undefined ? {} : { title }),
  });

  it('ranks a word in the name or title above the same word in a description', async () => {
    const index = await createToolSearchIndex([
      tool('ops__status', 'Shows the status of the last deploy and of every other job'),
      tool('ops__deploy', 'Starts a job'),
      tool('ops__run', 'Starts a job', 'Deploy'),
    ]);
    const ranked = names(index.search('deploy'));
    expect(ranked.slice(0, 2).sort()).toEqual(['ops__deploy', 'ops__run']);
    expect(ranked[2]).toBe('ops__status');
  });

  it('setTools follows a list change: removed tools vanish, new text is found, new schemas are returned', async () => {
    const index = await createToolSearchIndex(tools);
    const withoutMemory = tools.filter((t) => !t.name.startsWith('memory__'));
    index.setTools(withoutMemory);
    expect(index.size).toBe(withoutMemory.length);
    expect(names(index.search('knowledge graph entities')).filter((name) => name.startsWith('memory__'))).toEqual([]);

    const changed = withoutMemory.map((t) =>
      t.name === 'everything__echo'
        ? { ...t, description: 'Repeats a parrot phrase', inputSchema: { type: 'object', properties: { phrase: {} } } }
        : t.name === 'everything__get-sum'
          ? { ...t, inputSchema: { type: 'object', properties: { numbers: {} } } }
          : t,
    );
    index.setTools([...changed, ...tools.filter((t) => t.name.startsWith('memory__'))]);
    expect(index.size).toBe(tools.length);
    expect(index.search('parrot', 1)[0]).toMatchObject({
      name: 'everything__echo',
      inputSchema: { properties: { phrase: {} } },
    });
    expect(names(index.search('back the input string'))).not.toContain('everything__echo');
    expect(index.search('sum', 1)[0]).toMatchObject({
      name: 'everything__get-sum',
      inputSchema: { properties: { numbers: {} } },
    });
    expect(index.search('knowledge graph entities', 1)[0]?.name).toMatch(/^memory__/);
  });

  it('indexes a malformed tool by its name only, and returns no title or description that is not a string', async () => {
    const malformed = { name: 'odd__lookup_weather', title: 42, description: { text: 'forecast' }, inputSchema: {} };
    const index = await createToolSearchIndex([malformed as unknown as SearchableTool, tool('ok__other', 'forecast')]);
    expect(index.search('weather')).toEqual([
      { name: 'odd__lookup_weather', inputSchema: {}, score: expect.any(Number) },
    ]);
    expect(names(index.search('forecast'))).toEqual(['ok__other']);
  });

  it('keeps the first of two tools with one name, as the profile list does', async () => {
    const index = await createToolSearchIndex([tool('a__x', 'first words'), tool('a__x', 'second words')]);
    expect(index.size).toBe(1);
    expect(index.search('first')).toHaveLength(1);
    expect(index.search('second')).toEqual([]);
  });
});
