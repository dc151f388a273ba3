import { createHash } from 'node:crypto';

/** The strictest clients' rule for tool and prompt names (Claude, Cursor, VS Code). */
const CLIENT_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_NAME = 64;
const HASH_CHARS = 8;

/** `SERVER__TOOL`, or the bare name when this member is not prefixed. */
export function namespaced(member: string, name: string, separator: string, prefixed: boolean): string {
  return prefixed ? `${member}${separator}${name}` : name;
}

/**
 * A name every client accepts: itself when valid, else its other characters replaced by `_`,
 * cut to fit and ended with a hash of the whole name, so it is stable across restarts and
 * two long names that share their first 55 characters still differ.
 */
export function clientSafeName(name: string): string {
  if (CLIENT_NAME.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, HASH_CHARS);
  const safe = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, MAX_NAME - HASH_CHARS - 1);
  return `${safe}_${hash}`;
}
