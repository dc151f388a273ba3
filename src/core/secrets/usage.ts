import type { ProfileSpec } from '../profiles/definition.js';
import type { ServerSpec } from '../servers/definition.js';
import { referencesIn } from './references.js';

/** Every string of a definition that may hold `${secret:NAME}`: env values, args, headers. */
export function secretBearingTexts(spec: ServerSpec): string[] {
  if (spec.transport === 'stdio') return [...Object.values(spec.env), ...spec.args];
  return Object.values(spec.headers);
}

/** The secrets a server's definition refers to. */
export function serverSecretNames(spec: ServerSpec): string[] {
  return referencesIn(secretBearingTexts(spec));
}

/**
 * Who refers to each secret: `server:NAME` for a definition, `profile:NAME/SERVER` for a
 * profile member's env, in a stable order.
 */
export function secretUsers(servers: readonly ServerSpec[], profiles: readonly ProfileSpec[]): Map<string, string[]> {
  const users = new Map<string, string[]>();
  const add = (secret: string, user: string): void => {
    const list = users.get(secret) ?? [];
    list.push(user);
    users.set(secret, list);
  };
  for (const spec of servers) for (const name of serverSecretNames(spec)) add(name, `server:${spec.name}`);
  for (const profile of profiles) {
    for (const member of profile.members) {
      for (const name of referencesIn(Object.values(member.env))) add(name, `profile:${profile.name}/${member.server}`);
    }
  }
  return users;
}
