import type MiniSearch from 'minisearch';

/**
 * Full-text search over a profile's tools, for search mode (`tools.mode: search`), where clients
 * see `search_tools` and `call_tool` instead of the whole list. Ranking is MiniSearch's BM25+ with
 * field boosts; this module only decides what a "word" is in a tool's name, title and description.
 *
 * MiniSearch and the Porter stemmer load with `import()` on the first `createToolSearchIndex`, so
 * they reach the process only when a profile in search mode is served (never the CLI, never a
 * daemon without one; test/unit/protocol/aggregate/toolSearchBundle.test.ts keeps it so).
 *
 * Usage (the aggregator):
 *   const index = await createToolSearchIndex(tools);   // tools as clients would see them
 *   index.search('read a file', 10);                     // ranked ToolSearchMatch[]
 *   index.setTools(nextTools);                           // after a member's list_changed
 */

/** A tool as the profile's clients see it: namespaced (and maybe renamed) name, overrides applied. */
export interface SearchableTool {
  name: string;
  title?: string;
  description?: string;
  /** Returned with each match so the model can build `call_tool`'s arguments without a tools/list. */
  inputSchema: Record<string, unknown>;
}

/** One ranked result; `score` is relative (higher is better), comparable only within one search. */
export interface ToolSearchMatch {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  score: number;
}

export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = 50;

/** The name says what a tool does most precisely; the title is chosen for humans; the description is long. */
export const FIELD_BOOSTS = { name: 3, title: 2, description: 1 } as const;
const FIELDS = Object.keys(FIELD_BOOSTS) as Array<keyof typeof FIELD_BOOSTS>;

/**
 * Words that carry no meaning in a request like "read a file from the disk": without this list
 * "the" and "a" would match every description and drown the words that matter.
 */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could do does for from get has have how i if in into is it its ' +
    'me my no not of on or our please should so some such than that the their them then there these this ' +
    'those to too use using via want was we what when where which who will with would you your'
  ).split(' '),
);

/**
 * Splits a name or a sentence into lower-case words: `filesystem__read_text_file`, `readTextFile`
 * and "Read text file" all give read, text, file. camelCase and acronym boundaries split too
 * (`HTTPServer` → http, server).
 */
export function toolTextWords(text: string): string[] {
  const spaced = text.replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2').replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2');
  return spaced
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/**
 * One term per word, stop words dropped, Porter-stemmed so "reading files" finds `read_file` and
 * "entity" finds `create_entities`; the same on both sides (indexing and query).
 */
export function termProcessor(stem: (word: string) => string): (word: string) => string | null {
  return (word) => (STOP_WORDS.has(word) ? null : stem(word));
}

/** Prefix: "dir" finds directori(es); fuzzy only for longer words, where a typo is likely. */
export const SEARCH_OPTIONS = {
  boost: FIELD_BOOSTS,
  prefix: (term: string) => term.length >= 3,
  fuzzy: (term: string) => (term.length >= 5 ? 0.2 : false),
  combineWith: 'OR' as const,
};

/** What `import()` brings in on first use: the index and the stemmer. */
export interface ToolSearchEngine {
  MiniSearch: typeof import('minisearch')['default'];
  stem: (word: string) => string;
}
let engine: Promise<ToolSearchEngine> | undefined;

/** Also what `mcpctl search` ranks registry entries with (core/registry/rank.ts): one notion of relevance. */
export function loadEngine(): Promise<ToolSearchEngine> {
  engine ??= Promise.all([import('minisearch'), import('stemmer')]).then(
    ([minisearch, porter]) => ({ MiniSearch: minisearch.default, stem: porter.stemmer }),
    (error: unknown) => {
      engine = undefined; // the next index tries again
      throw error;
    },
  );
  return engine;
}

/** Builds an index of `tools` (a name seen twice: the first one counts, as in the profile's list). */
export async function createToolSearchIndex(tools: readonly SearchableTool[]): Promise<ToolSearchIndex> {
  return new ToolSearchIndex(await loadEngine(), tools);
}

/**
 * The one way mcpctl indexes names, titles and descriptions (tools here, registry entries in
 * core/registry/rank.ts): its tokenisation, stems, boosts and fuzziness. Fields that are not strings
 * (upstream JSON) are not indexed.
 */
export function textIndexOptions(engine: ToolSearchEngine, idField: string) {
  return {
    idField,
    fields: FIELDS,
    extractField: (document: unknown, field: string) => {
      const value = (document as Record<string, unknown>)[field];
      return typeof value === 'string' ? value : '';
    },
    tokenize: toolTextWords,
    processTerm: termProcessor(engine.stem),
    searchOptions: SEARCH_OPTIONS,
  };
}

export class ToolSearchIndex {
  private readonly index: MiniSearch<SearchableTool>;
  /** By name: what is indexed and what a match returns. */
  private tools = new Map<string, SearchableTool>();

  /** Use `createToolSearchIndex`: it loads MiniSearch first. */
  constructor(engine: ToolSearchEngine, tools: readonly SearchableTool[]) {
    this.index = new engine.MiniSearch<SearchableTool>(textIndexOptions(engine, 'name'));
    this.setTools(tools);
  }

  get size(): number {
    return this.tools.size;
  }

  /**
   * Makes the index hold exactly `tools`, re-indexing only the tools whose name, title or
   * description changed: one member's `list_changed` costs that member's changes, not the profile's.
   * A tool whose input schema alone changed is updated without touching the index.
   */
  setTools(tools: readonly SearchableTool[]): void {
    const next = new Map<string, SearchableTool>();
    for (const tool of tools) if (!next.has(tool.name)) next.set(tool.name, tool);
    for (const [name, old] of this.tools) {
      const now = next.get(name);
      if (now === undefined || !sameText(old, now)) this.index.discard(name);
    }
    for (const [name, tool] of next) {
      const old = this.tools.get(name);
      if (old === undefined || !sameText(old, tool)) this.index.add(tool);
    }
    this.tools = next;
  }

  /**
   * The best `limit` matches for `query`, best first. A query of stop words only matches nothing.
   * `limit` is clamped to 1..MAX_SEARCH_LIMIT; the meta-tool validates it before it gets here.
   */
  search(query: string, limit = DEFAULT_SEARCH_LIMIT): ToolSearchMatch[] {
    const count = Math.min(Math.max(Math.trunc(limit), 1), MAX_SEARCH_LIMIT);
    const matches: ToolSearchMatch[] = [];
    for (const hit of this.index.search(query)) {
      const tool = this.tools.get(hit.id as string);
      if (tool === undefined) continue;
      matches.push(toMatch(tool, hit.score));
      if (matches.length === count) break;
    }
    return matches;
  }
}

function sameText(a: SearchableTool, b: SearchableTool): boolean {
  return a.title === b.title && a.description === b.description;
}

function toMatch(tool: SearchableTool, score: number): ToolSearchMatch {
  const match: ToolSearchMatch = {
    name: tool.name,
    inputSchema: tool.inputSchema,
    score: Math.round(score * 1000) / 1000,
  };
  if (typeof tool.title === 'string') match.title = tool.title;
  if (typeof tool.description === 'string') match.description = tool.description;
  return match;
}
