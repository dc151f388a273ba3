import { McpctlError } from '../../shared/errors.js';
import type { CallContext } from '../../shared/principal.js';
import type { ControlHandlers } from '../api.js';
import type { ClientEnv } from './catalog.js';
import type { InstallLookups } from './install.js';
import type { SelfLaunch } from './ownership.js';

export interface ClientHandlerDeps {
  /** The daemon's own user: its environment (HOME, XDG_CONFIG_HOME, APPDATA...), platform and folder. */
  clientEnv: ClientEnv;
  /** How a client runs this daemon's mcpctl (its node, its script, MCPCTL_HOME). */
  self: SelfLaunch;
  /** The daemon's own methods an install asks (servers, profiles, gateway URLs), as the caller. */
  lookups(call: CallContext): InstallLookups;
}

type ClientHandlers = Pick<
  ControlHandlers,
  'listClients' | 'previewClientInstall' | 'installClient' | 'previewClientUninstall' | 'uninstallClient'
>;

/**
 * The files are those of the daemon's user on the daemon's machine, not the caller's: only the
 * local owner (the Unix socket, or a dashboard opened from it) may read or edit them. A token
 * holder, over the remote listener or a token login, edits their own machine's clients with
 * the CLI there.
 */
function requireOwner(call: CallContext): void {
  if (call.principal.kind === 'owner') return;
  throw new McpctlError(
    'PERMISSION_DENIED',
    "the AI clients' config files are those of the daemon's machine: only its owner may read or change them",
    {
      hint: "run 'mcpctl clients ls' or 'mcpctl install CLIENT' on the machine whose clients you mean (the CLI edits that machine's files)",
    },
  );
}

/** The operations load on first use (jsonc-parser, smol-toml, diff): the daemon starts without them. */
const operations = () => import('./clientOperations.js');

export function createClientHandlers(deps: ClientHandlerDeps): ClientHandlers {
  return {
    async listClients(_input, call) {
      requireOwner(call);
      return (await operations()).listClients(deps.clientEnv);
    },
    async previewClientInstall(input, call) {
      requireOwner(call);
      return (await operations()).previewInstall(deps, deps.lookups(call), input);
    },
    async installClient(input, call) {
      requireOwner(call);
      return (await operations()).writeInstall(deps, deps.lookups(call), input);
    },
    async previewClientUninstall(input, call) {
      requireOwner(call);
      return (await operations()).previewUninstall(deps.clientEnv, input);
    },
    async uninstallClient(input, call) {
      requireOwner(call);
      return (await operations()).writeUninstall(deps.clientEnv, input);
    },
  };
}
