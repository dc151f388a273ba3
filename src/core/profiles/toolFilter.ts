import { compileToolGlobs } from '../../protocol/aggregate/metaTools.js';
import type { ProfileSpec } from './definition.js';

/**
 * The profile's filters as one predicate over namespaced tool and prompt names: with no allow
 * globs everything is allowed; a deny glob that matches wins over any allow. The globs are the
 * pins' (`*` any run, `?` one character), so a filter and a pin never read the same glob differently.
 */
export function toolFilter(filters: ProfileSpec['filters']): (name: string) => boolean {
  if (filters.allow.length === 0 && filters.deny.length === 0) return () => true;
  const allowed = filters.allow.length === 0 ? () => true : compileToolGlobs(filters.allow);
  const denied = compileToolGlobs(filters.deny);
  return (name) => !denied(name) && allowed(name);
}
