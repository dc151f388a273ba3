import type { Invocation } from '../../invocation.js';
import { type LogFlags, printLogs } from '../logs/printLogs.js';

export async function serverLogs(inv: Invocation, name: string, flags: LogFlags): Promise<void> {
  await printLogs(inv, name, flags);
}
