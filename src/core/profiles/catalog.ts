/**
 * What a profile's endpoint serves right now, member by member, as `profile show` prints it. The
 * gateway (core/sessions) builds it from the members' cached catalogs; core/profiles only reads it.
 */

/** ready: its lists are known; starting/down: no tools from it now; hung: its list calls missed the deadline. */
export const MEMBER_STATES = ['ready', 'starting', 'down', 'hung'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

export interface CatalogEntry {
  /** As clients see it: namespaced, shortened to 64 characters, renamed by an override. */
  name: string;
  /** The member's own name for it. */
  original: string;
  description?: string;
}

export interface MemberCatalog {
  server: string;
  state: MemberState;
  /** Why it is not ready, when it is not. */
  detail?: string;
  /** After filters. */
  tools: CatalogEntry[];
  prompts: CatalogEntry[];
  resources: number;
  resourceTemplates: number;
}

export interface Collision {
  kind: 'tool' | 'prompt' | 'resource';
  /** The contested name or URI. */
  name: string;
  /** The member that got it, then the ones that lost it. */
  winner: string;
  losers: string[];
}

export interface ProfileCatalogView {
  members: MemberCatalog[];
  collisions: Collision[];
}

export interface ProfileCatalogs {
  /** undefined when the gateway serves no such profile (not running, or unknown). */
  catalog(profile: string): Promise<ProfileCatalogView | undefined>;
}
