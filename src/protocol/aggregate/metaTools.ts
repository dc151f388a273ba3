import * as z from 'zod';
import { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT, type ToolSearchIndex } from './toolSearch.js';

/**
 * The two tools a profile in search mode lists instead of its members' tools (issue 8 point 5),
 * plus the pinned tools listed beside them. Clients with a tool cap see a handful of tools; the
 * model finds the others with `search_tools` and runs them with `call_tool`.
 *
 * Names: the meta-tools win. A real tool whose client-facing name is `search_tools` or
 * `call_tool` (possible with `naming.prefixFirst: false`) is not listed, even when pinned, but it
 * stays searchable and is reachable through `call_tool({name: 'search_tools'})`: the aggregator
 * resolves `call_tool`'s target among the real tools only, never the meta-tools, so `call_tool`
 * cannot call itself.
 *
 * The aggregator's part: on `tools/call` of SEARCH_TOOLS_NAME answer `runSearchTools(index, args)`;
 * of CALL_TOOL_NAME read `readCallToolArguments(args)` and route `{name, arguments}` as a direct
 * call of that tool (refusing filtered and unknown names the same way).
 */

export const SEARCH_TOOLS_NAME = 'search_tools';
export const CALL_TOOL_NAME = 'call_tool';

/** What a meta-tool is on the wire: an MCP `Tool` of tools/list. */
export interface MetaToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, boolean | string>;
}

/** An MCP `CallToolResult`, the answer to a meta-tool's `tools/call`. */
export interface MetaToolResult {
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

const SEARCH_MATCH_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'Pass it as call_tool\'s "name".' },
    title: { type: 'string' },
    description: { type: 'string' },
    inputSchema: { type: 'object', description: 'JSON Schema of the arguments call_tool takes for this tool.' },
    score: { type: 'number', description: 'Relevance: higher is better, comparable within one search only.' },
  },
  required: ['name', 'inputSchema', 'score'],
};

export const SEARCH_TOOLS_TOOL: MetaToolDefinition = {
  name: SEARCH_TOOLS_NAME,
  title: 'Search tools',
  description:
    'Find the tools this endpoint can run by describing what you want to do in a few words ' +
    '(e.g. "read a file", "create a GitHub issue"). Returns the best matches, best first, with the ' +
    'JSON Schema of their arguments. Run one with call_tool. Search before concluding that no tool can help.',
  inputSchema: {
    type: 'object',
    properties: {
      query: { type: 'string', minLength: 1, description: 'What the tool should do, in a few words.' },
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_SEARCH_LIMIT,
        default: DEFAULT_SEARCH_LIMIT,
        description: `How many matches to return (1-${MAX_SEARCH_LIMIT}, default ${DEFAULT_SEARCH_LIMIT}).`,
      },
    },
    required: ['query'],
  },
  outputSchema: {
    type: 'object',
    properties: {
      query: { type: 'string' },
      tools: { type: 'array', items: SEARCH_MATCH_SCHEMA },
    },
    required: ['query', 'tools'],
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
};

export const CALL_TOOL_TOOL: MetaToolDefinition = {
  name: CALL_TOOL_NAME,
  title: 'Call a tool',
  description:
    'Run a tool found with search_tools: its exact "name" from the search result and "arguments" ' +
    'matching its inputSchema. Returns what that tool returns.',
  inputSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: "The tool's name exactly as search_tools returned it." },
      arguments: { type: 'object', description: "The tool's arguments, as its inputSchema describes them." },
    },
    required: ['name'],
  },
};

export const META_TOOLS: readonly MetaToolDefinition[] = [SEARCH_TOOLS_TOOL, CALL_TOOL_TOOL];

export function isMetaToolName(name: string): boolean {
  return name === SEARCH_TOOLS_NAME || name === CALL_TOOL_NAME;
}

/**
 * A matcher for `tools.pin` (or any list of tool globs, see TOOL_GLOB_PATTERN in
 * core/profiles/definition.ts): `*` any run of characters, `?` exactly one, anchored at both ends
 * of the namespaced name, everything else literal. No globs: nothing matches.
 */
export function compileToolGlobs(globs: readonly string[]): (name: string) => boolean {
  if (globs.length === 0) return () => false;
  const alternatives = globs.map((glob) =>
    [...glob]
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join(''),
  );
  const pattern = new RegExp(`^(?:${alternatives.join('|')})$`, 's');
  return (name) => pattern.test(name);
}

/**
 * What tools/list answers in search mode: the two meta-tools, then the tools `pins` match, in
 * the order of `tools` (the profile's filtered list). A pinned tool named like a meta-tool is left
 * out (the meta-tool wins; see the header).
 */
export function searchModeToolList<T extends { name: string }>(
  tools: readonly T[],
  pins: readonly string[],
): Array<T | MetaToolDefinition> {
  const pinned = compileToolGlobs(pins);
  return [...META_TOOLS, ...tools.filter((tool) => pinned(tool.name) && !isMetaToolName(tool.name))];
}

const ARGUMENTS_NOT_OBJECT = 'the arguments must be an object';

const searchToolsArguments = z.object(
  {
    query: z
      .string({ error: (issue) => (issue.input === undefined ? 'query is required' : 'query must be a string') })
      .trim()
      .min(1, 'query is empty: say in a few words what the tool should do'),
    limit: z
      .number({ error: `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}` })
      .int(`limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}`)
      .min(1, `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}`)
      .max(MAX_SEARCH_LIMIT, `limit must be at most ${MAX_SEARCH_LIMIT}`)
      .default(DEFAULT_SEARCH_LIMIT),
  },
  { error: ARGUMENTS_NOT_OBJECT },
);

const callToolArguments = z.object(
  {
    name: z
      .string({ error: (issue) => (issue.input === undefined ? 'name is required' : 'name must be a string') })
      .min(1, 'name is empty'),
    arguments: z
      .record(z.string(), z.unknown(), { error: "arguments must be an object of the tool's arguments" })
      .optional(),
  },
  { error: ARGUMENTS_NOT_OBJECT },
);

/** `call_tool`'s arguments, read: what the aggregator routes as a direct call of `name`. */
export interface CallToolTarget {
  name: string;
  arguments?: Record<string, unknown>;
}

export type CallToolArguments = { ok: true; target: CallToolTarget } | { ok: false; result: MetaToolResult };

/**
 * Runs `search_tools` with a `tools/call`'s `arguments` (absent counts as `{}`). Bad arguments
 * give a tool error (`isError`), which the spec prefers to a protocol error so the model can retry.
 */
export function runSearchTools(index: ToolSearchIndex, args: unknown): MetaToolResult {
  const parsed = searchToolsArguments.safeParse(args ?? {});
  if (!parsed.success) return argumentError(SEARCH_TOOLS_NAME, parsed.error, '{"query": "read a file", "limit": 10}');
  const { query, limit } = parsed.data;
  const structuredContent = { query, tools: index.search(query, limit) };
  return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
}

/** Reads `call_tool`'s arguments; a bad shape gives the tool error to answer instead. */
export function readCallToolArguments(args: unknown): CallToolArguments {
  const parsed = callToolArguments.safeParse(args ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      result: argumentError(CALL_TOOL_NAME, parsed.error, '{"name": "a name search_tools returned", "arguments": {}}'),
    };
  }
  const target: CallToolTarget = { name: parsed.data.name };
  if (parsed.data.arguments !== undefined) target.arguments = parsed.data.arguments;
  return { ok: true, target };
}

function argumentError(tool: string, error: z.ZodError, example: string): MetaToolResult {
  const problems = error.issues.map((issue) => issue.message).join('; ');
  return { content: [{ type: 'text', text: `${tool}: ${problems}. Example arguments: ${example}` }], isError: true };
}
