import type { Invocation } from '../../invocation.js';
import { changeServers } from './targets.js';

export async function stopServers(inv: Invocation, names: string[], flags: { all?: true }): Promise<void> {
  await changeServers(inv, 'stop', names, flags.all === true);
}
