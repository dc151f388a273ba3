import type { AggregateMember, AggregateSettings, ToolSearchMode } from '../../protocol/aggregate/types.js';
import type { ProfileSpec } from './definition.js';
import { toolFilter } from './toolFilter.js';

/**
 * A profile as the aggregator takes it: plain data and predicates (protocol/ cannot read a
 * ProfileSpec). `member` builds each member from its server name; per-profile instances (a
 * member with env of its own) are decided there, not here.
 */
export function aggregateSettings(
  spec: ProfileSpec,
  member: (server: string, profileMember: ProfileSpec['members'][number]) => AggregateMember,
  search?: ToolSearchMode,
): AggregateSettings {
  return {
    name: spec.name,
    members: spec.members.map((m) => member(m.server, m)),
    separator: spec.naming.separator,
    prefixFirst: spec.naming.prefixFirst,
    allows: toolFilter(spec.filters),
    overrides: spec.overrides,
    listTimeoutMs: spec.listTimeoutMs,
    toolMode: spec.tools.mode,
    ...(search === undefined ? {} : { search }),
  };
}
