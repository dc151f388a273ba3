import { applyEdit } from '../../../core/clients/applyEdit.js';
import { findClient } from '../../../core/clients/catalog.js';
import { type InstallTransport, installLocation, namedTargets, planInstall } from '../../../core/clients/install.js';
import type { SelfLaunch } from '../../../core/clients/ownership.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { clientEnv } from './clientEnv.js';
import { printEdit } from './printEdit.js';

export interface InstallFlags {
  profile?: string;
  server?: string[];
  scope?: string;
  config?: string;
  transport: string;
  replace?: boolean;
  dryRun?: boolean;
}

/** How this CLI runs itself from a client: absolute node and script, and MCPCTL_HOME when it uses one. */
export function selfLaunch(inv: Invocation): SelfLaunch {
  const script = inv.ctx.self.args[0];
  if (script === undefined) throw new McpctlError('INTERNAL', 'cannot tell where this mcpctl is installed');
  const home = inv.ctx.env.MCPCTL_HOME;
  return { node: inv.ctx.self.execPath, script, env: home ? { MCPCTL_HOME: home } : {} };
}

/**
 * Writes one entry per target into the client's file on this machine (core/clients/install.ts,
 * the rules the daemon's installClient uses too). --replace also removes the entries this
 * client's servers were imported from (they stay in the backup).
 */
export async function installClient(inv: Invocation, name: string, flags: InstallFlags): Promise<void> {
  const client = findClient(name);
  const targets = namedTargets({ ...(flags.server ? { servers: flags.server } : {}), profile: flags.profile });
  const location = installLocation(client, clientEnv(inv.ctx), flags);
  const plan = await planInstall(() => inv.api(), {
    client,
    location,
    targets,
    transport: flags.transport as InstallTransport,
    replace: flags.replace === true,
    self: selfLaunch(inv),
  });
  const outcome = applyEdit(location, plan.edit, flags.dryRun === true);
  if (inv.out.machine) {
    return inv.out.data({
      client: client.id,
      scope: location.scope,
      ...outcome,
      entries: plan.entries,
      removed: plan.removed,
    });
  }
  printEdit(inv, outcome, `installed ${plan.entries.join(', ')} in`);
  if (plan.removed.length > 0 && !flags.dryRun) inv.out.note(`moved out of the client: ${plan.removed.join(', ')}`);
}
