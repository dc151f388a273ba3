import { applyEdit, type EditOutcome } from '../../../core/clients/applyEdit.js';
import { clientLocations, findClient } from '../../../core/clients/catalog.js';
import { planUninstall } from '../../../core/clients/uninstall.js';
import type { Invocation } from '../../invocation.js';
import { clientEnv } from './clientEnv.js';
import { printEdit } from './printEdit.js';

export interface UninstallFlags {
  scope?: string;
  config?: string;
  server?: string[];
  profile?: string;
  dryRun?: boolean;
}

/**
 * Removes the entries mcpctl wrote from the client's files on this machine: every scope unless
 * --scope, all of them unless --server/--profile narrow it (core/clients/uninstall.ts).
 */
export async function uninstallClient(inv: Invocation, name: string, flags: UninstallFlags): Promise<void> {
  const client = findClient(name);
  const options = { ...(flags.scope ? { scope: flags.scope } : {}), ...(flags.config ? { config: flags.config } : {}) };
  const outcomes: Array<EditOutcome & { removed: string[] }> = [];
  for (const location of clientLocations(client, clientEnv(inv.ctx), options)) {
    const plan = planUninstall(client, location, { servers: flags.server, profile: flags.profile });
    if (plan === undefined) continue;
    const outcome = applyEdit(location, plan.edit, flags.dryRun === true);
    outcomes.push({ ...outcome, removed: plan.removed });
    if (!inv.out.machine) printEdit(inv, outcome, `removed ${plan.removed.join(', ')} from`);
  }
  if (inv.out.machine) return inv.out.data(outcomes);
  if (outcomes.length === 0) inv.out.note(`no mcpctl entries in ${client.title}'s config`);
}
