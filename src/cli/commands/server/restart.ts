import type { Invocation } from '../../invocation.js';
import { changeServers } from './targets.js';

export async function restartServers(inv: Invocation, names: string[], flags: { all?: true }): Promise<void> {
  await changeServers(inv, 'restart', names, flags.all === true);
}
