import type { Invocation } from '../../invocation.js';
import { changeServers } from './targets.js';

export async function startServers(
  inv: Invocation,
  names: string[],
  flags: { all?: true; wait: boolean },
): Promise<void> {
  await changeServers(inv, 'start', names, flags.all === true, { wait: flags.wait });
}
