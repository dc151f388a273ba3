import type { ProfileView } from '../api.js';
import { maskSensitive } from '../servers/redact.js';
import type { InstanceState } from '../servers/states.js';
import type { ProfileMember } from './definition.js';
import type { ProfileEntry } from './registry.js';

/** A member's server state, or `missing` when no server of that name is defined. */
export type MemberServerState = InstanceState | 'missing';

/** The stable JSON shape of a profile; env values that look like credentials are masked, as for servers. */
export function toProfileView(
  entry: ProfileEntry,
  current: string | null,
  /** The instance serving a member (its key, instanceIdentity.ts) and its state. */
  instanceOf: (member: ProfileMember) => { instance: string; state: MemberServerState },
): ProfileView {
  const { spec } = entry;
  return {
    name: spec.name,
    description: spec.description ?? null,
    current: spec.name === current,
    members: spec.members.map((member) => ({
      server: member.server,
      env: maskSensitive(member.env),
      ...instanceOf(member),
    })),
    naming: spec.naming,
    filters: spec.filters,
    tools: spec.tools,
    overrides: spec.overrides,
    listTimeoutMs: spec.listTimeoutMs,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}
