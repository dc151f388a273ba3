import { parseDurationFlag } from '../flags.js';
import type { Invocation } from '../invocation.js';
import type { ConnectFlags } from './connectFlags.js';

/** stdout is the MCP channel here: only JSON-RPC goes there, every diagnostic goes to stderr. */
export async function connectStdio(inv: Invocation, name: string, flags: ConnectFlags): Promise<void> {
  const reconnectTimeoutMs = parseDurationFlag('--reconnect-timeout', flags.reconnectTimeout, { min: 1 });
  const api = await inv.api();
  const lookupApi = await inv.api({ autostart: false });
  const { bridgeStdio } = await import('../../core/bridge.js');
  await bridgeStdio({
    api,
    lookupApi,
    name,
    input: process.stdin,
    output: process.stdout,
    warn: (message) => inv.ctx.stderr.write(`${message}\n`),
    reconnectTimeoutMs,
  });
}
