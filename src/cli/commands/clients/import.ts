import { CLIENTS, type ClientDefinition, clientLocations, findClient } from '../../../core/clients/catalog.js';
import { readConfig } from '../../../core/clients/configFile.js';
import { type ClashMode, type ImportItem, planImport } from '../../../core/clients/importPlan.js';
import { addProfileMembers } from '../../../core/clients/profileLink.js';
import { reportClient } from '../../../core/clients/report.js';
import { profileNameSchema } from '../../../core/profiles/definition.js';
import { parseInput } from '../../../core/validation.js';
import { McpctlError, toMcpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { renderImportTable } from '../../output/clients.js';
import { clientEnv } from './clientEnv.js';

export interface ImportFlags {
  all?: boolean;
  scope?: string;
  config?: string;
  dryRun?: boolean;
  profile?: string;
  rename?: boolean;
  overwrite?: boolean;
  start: boolean;
}

type Done = ImportItem & { error?: string };

function chosenClients(inv: Invocation, name: string | undefined, flags: ImportFlags): ClientDefinition[] {
  if (flags.all && name !== undefined) {
    throw new McpctlError('INVALID_ARGUMENT', 'name a client or pass --all, not both', {
      hint: "run 'mcpctl import --help'",
    });
  }
  if (name !== undefined) return [findClient(name)];
  if (!flags.all) {
    throw new McpctlError('INVALID_ARGUMENT', 'name the client to import from, or pass --all', {
      hint: `known clients: ${CLIENTS.map((client) => client.id).join(', ')}`,
    });
  }
  const where = clientEnv(inv.ctx);
  return CLIENTS.filter((client) => reportClient(client, where, {}).files.some((file) => file.exists));
}

async function execute(inv: Invocation, items: ImportItem[], start: boolean): Promise<Done[]> {
  const api = await inv.api();
  const done: Done[] = [];
  for (const item of items) {
    if (!item.spec || (item.action !== 'add' && item.action !== 'overwrite')) {
      done.push(item);
      continue;
    }
    try {
      if (item.action === 'overwrite') await api.removeServer({ name: item.name });
      await api.addServer({ spec: { ...item.spec, autostart: start && item.spec.autostart !== false }, wait: false });
      done.push(item);
    } catch (error) {
      done.push({ ...item, error: toMcpctlError(error).message });
    }
  }
  return done;
}

/**
 * Registers the servers a client's config lists as mcpctl servers (one client, or every detected
 * one with --all). With --all a malformed file is reported and the others imported; naming one
 * client, it fails the command before anything is added.
 */
export async function importClients(inv: Invocation, name: string | undefined, flags: ImportFlags): Promise<void> {
  if (flags.rename && flags.overwrite) {
    throw new McpctlError('INVALID_ARGUMENT', '--rename and --overwrite exclude each other', { hint: 'pick one' });
  }
  const profile =
    flags.profile === undefined ? undefined : parseInput(profileNameSchema, flags.profile, 'profile name');
  const clients = chosenClients(inv, name, flags);
  const where = clientEnv(inv.ctx);
  const sources = [];
  const broken: McpctlError[] = [];
  for (const client of clients) {
    const options = {
      ...(flags.scope ? { scope: flags.scope } : {}),
      ...(flags.config ? { config: flags.config } : {}),
    };
    for (const location of clientLocations(client, where, options)) {
      try {
        sources.push({ client, ...readConfig(client, location) });
      } catch (error) {
        if (!(error instanceof McpctlError) || !flags.all) throw error;
        broken.push(error);
        inv.out.note(`Warning: ${error.message} (skipped)`);
      }
    }
  }
  const api = await inv.api();
  const clash: ClashMode = flags.rename ? 'rename' : flags.overwrite ? 'overwrite' : 'skip';
  const items = planImport(sources, await api.listServers({}), clash, inv.ctx.cwd);
  const done: Done[] = flags.dryRun ? items : await execute(inv, items, flags.start);
  if (profile !== undefined && !flags.dryRun) {
    const members = done.filter((item) => !item.error && item.action !== 'skip').map((item) => item.name);
    if (members.length > 0) await addProfileMembers(api, profile, members);
  }
  if (inv.out.machine) await inv.out.data(done);
  else if (done.length === 0) inv.out.note('No server entries found.');
  else inv.out.out(renderImportTable(done, { headers: inv.out.headers, dryRun: flags.dryRun === true }));
  const failed = done.filter((item) => item.error);
  if (failed.length > 0) {
    throw new McpctlError('INVALID_ARGUMENT', `${failed.length} of ${done.length} entries could not be added`, {
      hint: 'see the RESULT column; fix the definitions with mcpctl server add, or in the client',
    });
  }
  const [first] = broken;
  if (first) throw first;
}
