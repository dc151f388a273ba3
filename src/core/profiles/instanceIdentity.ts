import { createHash } from 'node:crypto';
import { byCodePoint } from '../../shared/compare.js';
import type { ServerSpec } from '../servers/definition.js';
import type { ProfileSpec } from './definition.js';

/**
 * Which instance of a server serves a profile member. A member's env is laid over the server's
 * own; members whose effective configuration (the server's definition + that env) is the same share
 * one instance, and one whose effective env is the server's own shares the server's instance. The
 * other instances are named `SERVER@<hash of the effective env>`: the hash is of sorted entries, so
 * the same configuration gets the same name in every daemon run (its process marks and log tag too).
 */
export const INSTANCE_SEPARATOR = '@';
const HASH_LENGTH = 10;

/** The member's env over the server's. */
export function effectiveEnv(
  serverEnv: Readonly<Record<string, string>>,
  memberEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  return { ...serverEnv, ...memberEnv };
}

function canonicalEnv(env: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(env).sort(([a], [b]) => byCodePoint(a, b)));
}

/** Stable across daemon runs: a hash of the sorted entries, never of insertion order. */
export function envHash(env: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(canonicalEnv(env)).digest('hex').slice(0, HASH_LENGTH);
}

/**
 * The instance serving `memberEnv` of `server`: the server's own name when the member changes
 * nothing (http servers take no env, so always), otherwise `SERVER@<hash>`.
 */
export function instanceKey(server: ServerSpec, memberEnv: Readonly<Record<string, string>>): string {
  if (server.transport !== 'stdio') return server.name;
  const env = effectiveEnv(server.env, memberEnv);
  if (canonicalEnv(env) === canonicalEnv(server.env)) return server.name;
  return `${server.name}${INSTANCE_SEPARATOR}${envHash(env)}`;
}

/** The server an instance key belongs to (`slack@ab12…` → `slack`). */
export function serverOfInstance(key: string): string {
  const at = key.indexOf(INSTANCE_SEPARATOR);
  return at === -1 ? key : key.slice(0, at);
}

/** An instance some profile needs, with the profiles it serves (in name order). */
export interface NeededInstance {
  key: string;
  server: string;
  /** The effective env it runs with (the server's own for the server's instance). */
  env: Record<string, string>;
  /** Only what the members lay over the server's env: what `ls` shows of a derived instance. */
  overlay: Record<string, string>;
  profiles: string[];
}

/**
 * Every instance the profiles need, by key, the servers' own instances included (with the profiles
 * they serve). Members of servers that are not defined need nothing.
 */
export function neededInstances(
  profiles: readonly ProfileSpec[],
  serverOf: (name: string) => ServerSpec | undefined,
): Map<string, NeededInstance> {
  const needed = new Map<string, NeededInstance>();
  const sorted = [...profiles].sort((a, b) => byCodePoint(a.name, b.name));
  for (const profile of sorted) {
    for (const member of profile.members) {
      const server = serverOf(member.server);
      if (server === undefined) continue;
      const key = instanceKey(server, member.env);
      const entry = needed.get(key);
      if (entry !== undefined) {
        if (!entry.profiles.includes(profile.name)) entry.profiles.push(profile.name);
        continue;
      }
      const own = server.transport === 'stdio' ? server.env : {};
      const env = key === server.name ? own : effectiveEnv(own, member.env);
      const overlay = Object.fromEntries(Object.entries(env).filter(([name, value]) => own[name] !== value));
      needed.set(key, { key, server: server.name, env, overlay, profiles: [profile.name] });
    }
  }
  return needed;
}
