import { McpctlError } from '../../shared/errors.js';
import type { ProfileSpec } from './definition.js';

/**
 * Every member of a profile is a defined server: checked when a profile is created or gains
 * members, and kept when a server goes (`server rm` refuses, or with --force leaves the profiles).
 */
export function assertMembersDefined(spec: ProfileSpec, isDefined: (server: string) => boolean): void {
  const missing = spec.members.map((member) => member.server).filter((server) => !isDefined(server));
  if (missing.length === 0) return;
  const names = missing.map((server) => `'${server}'`).join(', ');
  throw new McpctlError('NOT_FOUND', `no server named ${names}: a profile's members must be defined servers`, {
    hint: `list servers with 'mcpctl server ls'; define one with 'mcpctl server add ${missing[0]} -- COMMAND [ARGS...]'`,
  });
}

/** The names of the profiles `server` is a member of, in the order given. */
export function profilesUsing(profiles: readonly ProfileSpec[], server: string): string[] {
  return profiles.filter((spec) => spec.members.some((member) => member.server === server)).map((spec) => spec.name);
}

/** The profile without `server` among its members; its other members, order and settings kept. */
export function withoutMember(spec: ProfileSpec, server: string): ProfileSpec {
  return { ...spec, members: spec.members.filter((member) => member.server !== server) };
}

/** `server rm` of a server that profiles use: refused unless forced, naming them. */
export function serverInUse(server: string, profiles: readonly string[]): McpctlError {
  const names = profiles.map((name) => `'${name}'`).join(', ');
  const noun = profiles.length === 1 ? 'profile' : 'profiles';
  return new McpctlError('INVALID_ARGUMENT', `server '${server}' is a member of ${noun} ${names}`, {
    hint: `remove it from them first ('mcpctl profile remove ${profiles[0]} ${server}'), or pass --force to remove it from them too`,
  });
}
