import { CLIENTS, findClient } from '../../../core/clients/catalog.js';
import { reportClient } from '../../../core/clients/report.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { renderClientTable } from '../../output/clients.js';
import { clientEnv } from './clientEnv.js';

export interface ClientsLsFlags {
  scope?: string;
  config?: string;
}

/** Every supported client (or one), detected or not, with its files and which entries are mcpctl's. */
export async function listClients(inv: Invocation, name: string | undefined, flags: ClientsLsFlags): Promise<void> {
  if (name === undefined && (flags.scope || flags.config)) {
    throw new McpctlError('INVALID_ARGUMENT', '--scope and --config need a CLIENT', {
      hint: 'mcpctl clients ls CLIENT --config FILE',
    });
  }
  const where = clientEnv(inv.ctx);
  const clients = name === undefined ? CLIENTS : [findClient(name)];
  const options = { ...(flags.scope ? { scope: flags.scope } : {}), ...(flags.config ? { config: flags.config } : {}) };
  const reports = clients.map((client) => reportClient(client, where, options));
  if (inv.out.machine) return inv.out.data(reports);
  inv.out.out(renderClientTable(reports, { headers: inv.out.headers, home: inv.ctx.env.HOME }));
  for (const file of reports.flatMap((report) => report.files)) if (file.error) inv.out.note(`Warning: ${file.error}`);
}
