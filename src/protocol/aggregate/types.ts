import type { SessionBackend } from '../session.js';

/**
 * What the aggregator is given, as plain data: protocol/ may not import core/, so core/profiles
 * converts a ProfileSpec into these (core/sessions/profileMembers.ts).
 */

/** ready: it serves sessions now; starting: on its way up; down: stopped, failed or removed. */
export type MemberLiveness = 'ready' | 'starting' | 'down';

/** As `profile show` reports a member: `hung` is ready but missed the list deadline. */
export type MemberCatalogState = MemberLiveness | 'hung';

/** One member of a profile: its name is the prefix of its tools and prompts. */
export interface AggregateMember {
  name: string;
  /**
   * The backend serving it now, or undefined while it has none. The seam for per-profile
   * instances: whoever builds the member decides which instance of the server this is.
   */
  backend(): SessionBackend | undefined;
  state(): MemberLiveness;
  /** Why it is not ready, for errors and `profile show` (e.g. "stopped", "failed: exit 1"). */
  detail?(): string | undefined;
}

export interface ToolOverride {
  rename?: string;
  description?: string;
}

export interface AggregateSettings {
  /** The profile's name: serverInfo.name, and how errors name the endpoint. */
  name: string;
  /** In profile order: the first member wins a contested name or URI. */
  members: AggregateMember[];
  separator: string;
  /** false: the first member's tools and prompts keep their own names. */
  prefixFirst: boolean;
  /** The profile's filters over namespaced tool and prompt names (deny wins): true = clients see it. */
  allows(namespacedName: string): boolean;
  /** By client-visible name (after namespacing and shortening). */
  overrides: Readonly<Record<string, ToolOverride>>;
  /** Each member's list calls answer within this, or the profile answers without that member. */
  listTimeoutMs: number;
  /** `search`: tools/list and tools/call go through `search` (protocol/aggregate/toolSearch.ts). */
  toolMode: 'all' | 'search';
  search?: ToolSearchMode;
}

/** A tool as a member lists it, with the name clients see. */
export interface ListedTool {
  name: string;
  description?: string;
  inputSchema?: unknown;
  [key: string]: unknown;
}

/**
 * The seam for search mode, implemented by the `search` module (protocol/aggregate/toolSearch.ts):
 * the aggregator keeps naming, filters and routing; search decides what tools/list shows and
 * answers its meta-tools.
 */
export interface ToolSearchMode {
  /** What tools/list shows in place of `tools` (the filtered, renamed tools): the meta-tools and the pinned ones. */
  listed(tools: readonly ListedTool[]): ListedTool[];
  /**
   * A tools/call in search mode: `result` answers it (search_tools; a promise, as the index loads on
   * first use), `route` runs a real tool by its client-visible name (call_tool), undefined = not a
   * meta-tool, route it by its own name.
   */
  call(
    name: string,
    args: Record<string, unknown>,
    tools: readonly ListedTool[],
  ):
    | { result: Promise<Record<string, unknown>> }
    | { route: { name: string; arguments: Record<string, unknown> } }
    | undefined;
}

/** What the profile's endpoint serves, member by member (the shape of core/profiles/catalog.ts). */
export interface CatalogEntry {
  name: string;
  original: string;
  description?: string;
}

export interface MemberCatalogView {
  server: string;
  state: MemberCatalogState;
  detail?: string;
  tools: CatalogEntry[];
  prompts: CatalogEntry[];
  resources: number;
  resourceTemplates: number;
}

export interface CollisionView {
  kind: 'tool' | 'prompt' | 'resource';
  name: string;
  winner: string;
  losers: string[];
}

export interface AggregateCatalogView {
  members: MemberCatalogView[];
  collisions: CollisionView[];
}
