import type { Invocation } from '../invocation.js';

/** The client's version; answers without the daemon (as fast as `--version`). */
export async function printVersion(inv: Invocation): Promise<void> {
  if (inv.out.machine) return inv.out.data({ version: inv.ctx.version });
  inv.out.out(`mcpctl ${inv.ctx.version}`);
}
