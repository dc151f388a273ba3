import type { ProfileSpec } from './definition.js';

/** A glob over a whole namespaced name: `*` any run, `?` one character, everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.*?+^${}()|[\]\\-]/g, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : `\\${ch}`));
  return new RegExp(`^${body}$`);
}

/**
 * The profile's filters as one predicate over namespaced tool and prompt names: with no allow
 * globs everything is allowed; a deny glob that matches wins over any allow.
 */
export function toolFilter(filters: ProfileSpec['filters']): (name: string) => boolean {
  const allow = filters.allow.map(globToRegExp);
  const deny = filters.deny.map(globToRegExp);
  if (allow.length === 0 && deny.length === 0) return () => true;
  return (name) =>
    !deny.some((glob) => glob.test(name)) && (allow.length === 0 || allow.some((glob) => glob.test(name)));
}
