import { McpctlError } from '../../shared/errors.js';
import type { HandlerInput, MethodOutput } from '../api.js';
import { applyEdit, onlyFrom, previewEdit } from './applyEdit.js';
import {
  CLIENTS,
  type ClientDefinition,
  type ClientEnv,
  type ClientLocation,
  clientLocations,
  findClient,
} from './catalog.js';
import type { ClientHandlerDeps } from './clientHandlers.js';
import { type InstallLookups, type InstallPlan, installLocation, namedTargets, planInstall } from './install.js';
import { reportClient } from './report.js';
import { planUninstall } from './uninstall.js';

/**
 * What the daemon's AI-client methods do, with the very functions `clients ls`, `install` and
 * `uninstall` run in the CLI; only the place differs: the daemon user's files, user scope.
 */
const USER_SCOPE = { scope: 'user' } as const;

type Preview = MethodOutput<'previewClientInstall'>;
type Written = MethodOutput<'installClient'>;

export function listClients(where: ClientEnv): MethodOutput<'listClients'> {
  return CLIENTS.map((client) => ({ ...reportClient(client, where, USER_SCOPE), http: client.http }));
}

async function installPlan(
  deps: ClientHandlerDeps,
  lookups: InstallLookups,
  input: HandlerInput<'previewClientInstall'>,
): Promise<{ location: ClientLocation; plan: InstallPlan }> {
  const client = findClient(input.client);
  const location = installLocation(client, deps.clientEnv, {});
  const plan = await planInstall(async () => lookups, {
    client,
    location,
    targets: namedTargets({ servers: input.servers, profile: input.profile }),
    transport: input.transport,
    replace: input.replace,
    self: deps.self,
  });
  return { location, plan };
}

export async function previewInstall(
  deps: ClientHandlerDeps,
  lookups: InstallLookups,
  input: HandlerInput<'previewClientInstall'>,
): Promise<Preview> {
  const { location, plan } = await installPlan(deps, lookups, input);
  const preview = previewEdit(location, plan.edit);
  return { client: input.client, scope: location.scope, ...preview, entries: plan.entries, removed: plan.removed };
}

export async function writeInstall(
  deps: ClientHandlerDeps,
  lookups: InstallLookups,
  input: HandlerInput<'installClient'>,
): Promise<Written> {
  const { location, plan } = await installPlan(deps, lookups, input);
  const edit = input.expectedSha256 === undefined ? plan.edit : onlyFrom(input.expectedSha256, plan.edit);
  const { file, changed, backup } = applyEdit(location, edit, false);
  return {
    client: input.client,
    scope: location.scope,
    file,
    changed,
    backup,
    entries: plan.entries,
    removed: plan.removed,
  };
}

function userLocation(client: ClientDefinition, where: ClientEnv): ClientLocation {
  const [location] = clientLocations(client, where, USER_SCOPE);
  if (location === undefined) throw new McpctlError('INTERNAL', `${client.title} has no user scope`);
  return location;
}

export function previewUninstall(where: ClientEnv, input: HandlerInput<'previewClientUninstall'>): Preview {
  const client = findClient(input.client);
  const location = userLocation(client, where);
  const plan = planUninstall(client, location, input);
  const preview = previewEdit(location, plan?.edit ?? ((text) => text));
  return { client: client.id, scope: location.scope, ...preview, entries: [], removed: plan?.removed ?? [] };
}

export function writeUninstall(where: ClientEnv, input: HandlerInput<'uninstallClient'>): Written {
  const client = findClient(input.client);
  const location = userLocation(client, where);
  const plan = planUninstall(client, location, input);
  if (plan === undefined) {
    return {
      client: client.id,
      scope: location.scope,
      file: location.file,
      changed: false,
      backup: null,
      entries: [],
      removed: [],
    };
  }
  const edit = input.expectedSha256 === undefined ? plan.edit : onlyFrom(input.expectedSha256, plan.edit);
  const { file, changed, backup } = applyEdit(location, edit, false);
  return { client: client.id, scope: location.scope, file, changed, backup, entries: [], removed: plan.removed };
}
