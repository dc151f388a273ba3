import type { Invocation } from '../../invocation.js';
import { type LogFlags, printLogs } from '../logs/printLogs.js';

export async function daemonLogs(inv: Invocation, flags: LogFlags): Promise<void> {
  await printLogs(inv, undefined, flags);
}
