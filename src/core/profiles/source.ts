import type { ProfileSpec } from './definition.js';

/**
 * The profiles the gateway serves, read synchronously on its request path (a map lookup), and told
 * when one changes so open sessions of that profile follow its new membership, filters and names.
 */
export interface ProfileSource {
  get(name: string): ProfileSpec | undefined;
  /** Called after a profile was created, changed or removed (then `get` answers undefined). */
  onChange(listener: (name: string) => void): void;
}
