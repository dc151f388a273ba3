import { McpctlError } from '../../shared/errors.js';
import type { ControlApi } from '../api.js';
import { profileNameSchema } from '../profiles/definition.js';
import { serverNameSchema } from '../servers/definition.js';
import { parseInput } from '../validation.js';
import {
  type ClientDefinition,
  type ClientEnv,
  type ClientLocation,
  clientLocations,
  type EntryValue,
} from './catalog.js';
import { readConfig, withEntry, withoutEntry } from './configFile.js';
import { IMPORTED_ENTRY, IMPORTED_FROM } from './importPlan.js';
import { entryNameFor, type GatewayTarget, gatewayTargetOf, type SelfLaunch, stdioEntryValue } from './ownership.js';

/** What an install asks of the daemon: the servers and profiles it names, and their gateway URLs. */
export type InstallLookups = Pick<
  ControlApi,
  'listServers' | 'getProfile' | 'serverUrl' | 'profileUrl' | 'currentProfile'
>;

export type InstallTransport = 'stdio' | 'http';

/** What the entries reach as `--server`/`--profile` name it, checked before the daemon is asked; [] when they name nothing. */
export function namedTargets(names: { servers?: string[]; profile?: string | undefined }): GatewayTarget[] {
  const servers = names.servers ?? [];
  if (names.profile !== undefined && servers.length > 0) {
    throw new McpctlError('INVALID_ARGUMENT', 'pass --profile or --server, not both', {
      hint: "run 'mcpctl install --help'",
    });
  }
  if (names.profile !== undefined) {
    return [{ kind: 'profile', name: parseInput(profileNameSchema, names.profile, 'profile name') }];
  }
  return servers.map((name) => ({ kind: 'server', name: parseInput(serverNameSchema, name, 'server name') }));
}

/** The one file install writes: the chosen scope's (the client's default scope unless given), or `config`. */
export function installLocation(
  client: ClientDefinition,
  where: ClientEnv,
  options: { scope?: string | undefined; config?: string | undefined },
): ClientLocation {
  const chosen = { scope: options.scope ?? client.defaultScope, ...(options.config ? { config: options.config } : {}) };
  const [location] = clientLocations(client, where, chosen);
  if (!location) throw new McpctlError('INTERNAL', `${client.title} has no config file`);
  return location;
}

export interface InstallRequest {
  client: ClientDefinition;
  location: ClientLocation;
  /** [] : the current profile (`mcpctl profile use`), as `connect` takes it. */
  targets: GatewayTarget[];
  transport: InstallTransport;
  /** Also remove the entries this client's servers were imported from (they stay in the backup). */
  replace: boolean;
  self: SelfLaunch;
}

/** The edit install makes of the file's text, and the entries it writes and removes. */
export interface InstallPlan {
  edit(text: string): string;
  entries: string[];
  removed: string[];
}

async function entryValue(
  api: InstallLookups,
  client: ClientDefinition,
  target: GatewayTarget,
  transport: InstallTransport,
  self: SelfLaunch,
): Promise<EntryValue> {
  if (transport !== 'http') return stdioEntryValue(client, self, target);
  if (target.kind === 'server') return client.httpEntry((await api.serverUrl({ name: target.name })).url);
  return client.httpEntry((await api.profileUrl({ name: target.name })).url);
}

async function currentProfileTarget(api: InstallLookups): Promise<GatewayTarget[]> {
  const current = (await api.currentProfile({})).name;
  if (current !== null) return [{ kind: 'profile', name: current }];
  throw new McpctlError('INVALID_ARGUMENT', 'name what the client should reach: --server NAME... or --profile NAME', {
    hint: "see the servers with 'mcpctl ls'; or make a profile the default with 'mcpctl profile use NAME'",
  });
}

/**
 * One entry per target for the client's file, reaching the gateway (a stdio `mcpctl connect` or,
 * for clients that speak Streamable HTTP, the gateway URL); an entry of that name mcpctl did not
 * write is refused. Reads the file once to check; the edit itself runs on the text as written.
 * `connect`: the daemon's methods, asked for once the file and the request check out.
 */
export async function planInstall(
  connect: () => Promise<InstallLookups>,
  request: InstallRequest,
): Promise<InstallPlan> {
  const { client, location, transport, self } = request;
  if (transport === 'http' && !client.http) {
    throw new McpctlError('INVALID_ARGUMENT', `${client.title} reads no URLs from its config`, {
      hint: 'use --transport stdio (the default)',
    });
  }
  const snapshot = readConfig(client, location);
  // A malformed file or a bad flag fails before the daemon is asked (or started).
  const api = await connect();
  const targets = request.targets.length > 0 ? request.targets : await currentProfileTarget(api);
  const servers = await api.listServers({});
  for (const target of targets) {
    if (target.kind === 'server' && !servers.some((view) => view.name === target.name)) {
      throw new McpctlError('NOT_FOUND', `no server '${target.name}'`, { hint: "see the servers with 'mcpctl ls'" });
    }
    if (target.kind === 'profile') await api.getProfile({ name: target.name });
  }
  const removed = request.replace
    ? servers
        .filter((view) => view.labels[IMPORTED_FROM] === client.id)
        .map((view) => view.labels[IMPORTED_ENTRY])
        .filter((entry): entry is string => entry !== undefined)
        .filter((entry) => snapshot.entries.some((found) => found.name === entry && !gatewayTargetOf(found)))
    : [];
  const writes: Array<[string, EntryValue]> = [];
  for (const target of targets) {
    const entryName = entryNameFor(target);
    const existing = snapshot.entries.find((entry) => entry.name === entryName);
    if (existing && !gatewayTargetOf(existing) && !removed.includes(entryName)) {
      throw new McpctlError(
        'ALREADY_EXISTS',
        `${location.file} has an entry '${entryName}' that mcpctl did not write`,
        {
          hint: 'import it first and install with --replace, or remove it from the client',
        },
      );
    }
    writes.push([entryName, await entryValue(api, client, target, transport, self)]);
  }
  return {
    edit: (text) => {
      let next = text;
      for (const entry of removed) next = withoutEntry(location, next, entry);
      for (const [entryName, value] of writes) next = withEntry(location, next, entryName, value);
      return next;
    },
    entries: writes.map(([name]) => name),
    removed,
  };
}
