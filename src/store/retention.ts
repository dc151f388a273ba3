import { McpctlError } from '../shared/errors.js';

/** How many events a store keeps by default; older ones are dropped as new ones arrive. */
export const DEFAULT_MAX_EVENTS = 10_000;
/** How many sessions the history keeps by default; the oldest closed ones are dropped. */
export const DEFAULT_MAX_SESSIONS = 1000;
/** The close reason `closeDangling` writes. */
export const DANGLING_REASON = 'daemon restarted';

/** Every backend refuses the same retention values, with the same words. */
export function checkRetention(name: string, what: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new McpctlError('INVALID_ARGUMENT', `${name} must be a positive integer, not ${value}`, {
      hint: `set the ${what} retention to 1 or more`,
    });
  }
}
