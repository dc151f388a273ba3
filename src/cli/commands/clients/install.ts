import type { ControlApi } from '../../../core/api.js';
import {
  type ClientDefinition,
  type ClientLocation,
  clientLocations,
  type EntryValue,
  findClient,
} from '../../../core/clients/catalog.js';
import { readConfig, withEntry, withoutEntry } from '../../../core/clients/configFile.js';
import { IMPORTED_ENTRY, IMPORTED_FROM } from '../../../core/clients/importPlan.js';
import {
  entryNameFor,
  type GatewayTarget,
  gatewayTargetOf,
  type SelfLaunch,
  stdioEntryValue,
} from '../../../core/clients/ownership.js';
import { profileNameSchema } from '../../../core/profiles/definition.js';
import { serverNameSchema } from '../../../core/servers/definition.js';
import { parseInput } from '../../../core/validation.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { applyEdit, printEdit } from './applyEdit.js';
import { clientEnv } from './report.js';

export interface InstallFlags {
  profile?: string;
  server?: string[];
  scope?: string;
  config?: string;
  transport: string;
  replace?: boolean;
  dryRun?: boolean;
}

/** What the entries reach as the flags name it, checked before the daemon is asked; [] when they name nothing. */
function namedTargets(flags: InstallFlags): GatewayTarget[] {
  const servers = flags.server ?? [];
  if (flags.profile !== undefined && servers.length > 0) {
    throw new McpctlError('INVALID_ARGUMENT', 'pass --profile or --server, not both', {
      hint: "run 'mcpctl install --help'",
    });
  }
  if (flags.profile !== undefined) {
    return [{ kind: 'profile', name: parseInput(profileNameSchema, flags.profile, 'profile name') }];
  }
  return servers.map((name) => ({ kind: 'server', name: parseInput(serverNameSchema, name, 'server name') }));
}

/** The one file install writes: the chosen scope's (the client's default scope unless --scope), or --config. */
export function installLocation(
  inv: Invocation,
  client: ClientDefinition,
  flags: { scope?: string; config?: string },
): ClientLocation {
  const options = { scope: flags.scope ?? client.defaultScope, ...(flags.config ? { config: flags.config } : {}) };
  const [location] = clientLocations(client, clientEnv(inv.ctx), options);
  if (!location) throw new McpctlError('INTERNAL', `${client.title} has no config file`);
  return location;
}

/** How this CLI runs itself from a client: absolute node and script, and MCPCTL_HOME when it uses one. */
export function selfLaunch(inv: Invocation): SelfLaunch {
  const script = inv.ctx.self.args[0];
  if (script === undefined) throw new McpctlError('INTERNAL', 'cannot tell where this mcpctl is installed');
  const home = inv.ctx.env.MCPCTL_HOME;
  return { node: inv.ctx.self.execPath, script, env: home ? { MCPCTL_HOME: home } : {} };
}

async function entryValue(
  api: ControlApi,
  client: ClientDefinition,
  target: GatewayTarget,
  transport: string,
  self: SelfLaunch,
): Promise<EntryValue> {
  if (transport !== 'http') return stdioEntryValue(client, self, target);
  if (target.kind === 'server') return client.httpEntry((await api.serverUrl({ name: target.name })).url);
  return client.httpEntry((await api.profileUrl({ name: target.name })).url);
}

/**
 * Writes one entry per target into the client's file, reaching the gateway (a stdio `mcpctl
 * connect` or, for clients that speak Streamable HTTP, the gateway URL). --replace also removes the
 * entries this client's servers were imported from (they stay in the backup).
 */
/** Neither --server nor --profile: the current profile (`mcpctl profile use`), as `connect` takes it. */
async function currentProfileTarget(api: ControlApi): Promise<GatewayTarget[]> {
  const current = (await api.currentProfile({})).name;
  if (current !== null) return [{ kind: 'profile', name: current }];
  throw new McpctlError('INVALID_ARGUMENT', 'name what the client should reach: --server NAME... or --profile NAME', {
    hint: "see the servers with 'mcpctl ls'; or make a profile the default with 'mcpctl profile use NAME'",
  });
}

export async function installClient(inv: Invocation, name: string, flags: InstallFlags): Promise<void> {
  const client = findClient(name);
  const named = namedTargets(flags);
  if (flags.transport === 'http' && !client.http) {
    throw new McpctlError('INVALID_ARGUMENT', `${client.title} reads no URLs from its config`, {
      hint: 'use --transport stdio (the default)',
    });
  }
  const location = installLocation(inv, client, flags);
  const snapshot = readConfig(client, location);
  const api = await inv.api();
  const targets = named.length > 0 ? named : await currentProfileTarget(api);
  const servers = await api.listServers({});
  for (const target of targets) {
    if (target.kind === 'server' && !servers.some((view) => view.name === target.name)) {
      throw new McpctlError('NOT_FOUND', `no server '${target.name}'`, { hint: "see the servers with 'mcpctl ls'" });
    }
    if (target.kind === 'profile') await api.getProfile({ name: target.name });
  }
  const replaced = flags.replace
    ? servers
        .filter((view) => view.labels[IMPORTED_FROM] === client.id)
        .map((view) => view.labels[IMPORTED_ENTRY])
        .filter((entry): entry is string => entry !== undefined)
        .filter((entry) => snapshot.entries.some((found) => found.name === entry && !gatewayTargetOf(found)))
    : [];
  const self = selfLaunch(inv);
  const writes: Array<[string, EntryValue]> = [];
  for (const target of targets) {
    const entryName = entryNameFor(target);
    const existing = snapshot.entries.find((entry) => entry.name === entryName);
    if (existing && !gatewayTargetOf(existing) && !replaced.includes(entryName)) {
      throw new McpctlError(
        'ALREADY_EXISTS',
        `${location.file} has an entry '${entryName}' that mcpctl did not write`,
        {
          hint: 'import it first and install with --replace, or remove it from the client',
        },
      );
    }
    writes.push([entryName, await entryValue(api, client, target, flags.transport, self)]);
  }
  const edit = (text: string): string => {
    let next = text;
    for (const entry of replaced) next = withoutEntry(location, next, entry);
    for (const [entryName, value] of writes) next = withEntry(location, next, entryName, value);
    return next;
  };
  const outcome = applyEdit(location, edit, flags.dryRun === true);
  if (inv.out.machine) {
    return inv.out.data({
      client: client.id,
      scope: location.scope,
      ...outcome,
      entries: writes.map(([n]) => n),
      removed: replaced,
    });
  }
  printEdit(inv, outcome, `installed ${writes.map(([n]) => n).join(', ')} in`);
  if (replaced.length > 0 && !flags.dryRun) inv.out.note(`moved out of the client: ${replaced.join(', ')}`);
}
