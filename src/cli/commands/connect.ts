import type { Invocation } from '../invocation.js';

/** stdout is the MCP channel here: only JSON-RPC goes there, every diagnostic goes to stderr. */
export async function connectStdio(inv: Invocation, name: string): Promise<void> {
  const api = await inv.api();
  const { bridgeStdio } = await import('../../core/bridge.js');
  await bridgeStdio({
    api,
    name,
    input: process.stdin,
    output: process.stdout,
    warn: (message) => inv.ctx.stderr.write(`${message}\n`),
  });
}
