import type { RemoteEndpoint } from '../../daemon/ipc/controlClient.js';
import { McpctlError } from '../../shared/errors.js';
import type { Paths } from '../../shared/paths.js';
import { endpointOf, LOCAL_CONTEXT, readContexts } from './contextFile.js';

/**
 * The remote endpoint the CLI talks to, or undefined for the local daemon: `--context` /
 * MCPCTL_CONTEXT when given, else the file's current context.
 */
export type { RemoteEndpoint };

export function resolveRemoteEndpoint(paths: Paths, chosen: string | undefined): RemoteEndpoint | undefined {
  if (chosen === LOCAL_CONTEXT) return undefined;
  const document = readContexts(paths);
  const name = chosen ?? document.current;
  if (name === null) return undefined;
  const entry = document.contexts[name];
  if (entry === undefined) {
    throw new McpctlError('NOT_FOUND', `no context named '${name}'`, {
      hint: "list them with 'mcpctl context ls'; 'local' is this machine's daemon",
    });
  }
  return endpointOf(name, entry);
}
