import { isGroupAlive, killProcessGroup } from './procfs.js';
import { pollUntil } from './wait.js';

/** After SIGKILL the kernel needs a moment to tear the processes down; wait this long at most. */
const KILL_SETTLE_MS = 2000;

/**
 * SIGTERM to every member of `pgid`, SIGKILL to whoever is left after `graceMs`.
 * Resolves true once the group is empty.
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<boolean> {
  if (!isGroupAlive(pgid)) return true;
  killProcessGroup(pgid, 'SIGTERM');
  if (await pollUntil(() => !isGroupAlive(pgid), graceMs)) return true;
  killProcessGroup(pgid, 'SIGKILL');
  return pollUntil(() => !isGroupAlive(pgid), KILL_SETTLE_MS);
}
