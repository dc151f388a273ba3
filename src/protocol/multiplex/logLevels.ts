import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

/** RFC 5424 severities as MCP orders them, most verbose first: a level admits itself and everything after it. */
export const LOG_LEVELS: readonly LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];

const RANK = new Map<unknown, number>(LOG_LEVELS.map((level, rank) => [level, rank]));

/** The rank of a level name, or undefined for anything that is not one. */
export function levelRank(level: unknown): number | undefined {
  return RANK.get(level);
}

export function levelName(rank: number): LoggingLevel {
  return LOG_LEVELS[rank] ?? 'debug';
}

/**
 * Whether a session whose threshold is `threshold` wants a message at `level`.
 * A session that never set a level gets everything the upstream sends: the spec
 * leaves the default to the server, and the SDK's default is "send all".
 * A message with an unknown level is delivered rather than silently lost.
 */
export function admits(threshold: number | undefined, level: unknown): boolean {
  if (threshold === undefined) return true;
  const rank = RANK.get(level);
  return rank === undefined || rank >= threshold;
}

/**
 * The level the upstream should run at: the most verbose any session wants, a session
 * that never set one counting as "everything". Undefined when nothing needs sending:
 * already there, or nobody ever set a level (the server's own default serves all).
 * `ranks` holds one entry per initialized session.
 */
export function upstreamLevel(ranks: readonly (number | undefined)[], current: number | undefined): number | undefined {
  let anySet = false;
  let wanted = LOG_LEVELS.length - 1;
  for (const rank of ranks) {
    if (rank !== undefined) anySet = true;
    wanted = Math.min(wanted, rank ?? 0);
  }
  if (!anySet) {
    if (current === undefined) return undefined;
    wanted = 0;
  }
  return wanted === current ? undefined : wanted;
}
