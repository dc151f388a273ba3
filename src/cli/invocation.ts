import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlApi } from '../core/api.js';
import type { RemoteEndpoint } from '../core/contexts/resolve.js';
import { McpctlError } from '../shared/errors.js';
import type { Globals } from './globals.js';
import type { CliContext } from './io.js';
import { shouldColor } from './output/colors.js';
import { createPrinter, type Printer } from './output/printer.js';

/** What a verb receives: the context, a printer in the chosen format, and a way to reach the daemon. */
export interface Invocation {
  ctx: CliContext;
  out: Printer;
  globals: Globals;
  /**
   * Connects to the daemon, starting it unless refused (`--no-start-daemon`, or `autostart: false`);
   * a remote context's daemon over TLS instead when one is chosen.
   */
  api(options?: { autostart?: boolean }): Promise<ControlApi>;
  /** The chosen remote context's endpoint, or undefined for the local daemon. */
  remote(): Promise<RemoteEndpoint | undefined>;
  /** Throws for a command that only makes sense on this machine while a remote context is chosen. */
  requireLocal(command: string): Promise<void>;
}

/** Only a chosen context or an existing contexts file loads the context code (TLS, the file): `ls` stays light. */
async function remoteEndpoint(ctx: CliContext, globals: Globals): Promise<RemoteEndpoint | undefined> {
  if (globals.context === undefined && !existsSync(join(ctx.paths.configDir, 'contexts.json'))) return undefined;
  const { resolveRemoteEndpoint } = await import('../core/contexts/resolve.js');
  return resolveRemoteEndpoint(ctx.paths, globals.context);
}

export function createInvocation(ctx: CliContext, globals: Globals): Invocation {
  const out = createPrinter({
    format: globals.output,
    headers: globals.headers,
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    color: {
      stdout: shouldColor({ flag: globals.color, env: ctx.env, isTTY: ctx.stdoutIsTTY }),
      stderr: shouldColor({ flag: globals.color, env: ctx.env, isTTY: ctx.stderrIsTTY }),
    },
  });
  // Resolved once per command: api(), remote() and requireLocal() would each read the contexts file.
  let resolved: Promise<RemoteEndpoint | undefined> | undefined;
  const remote = (): Promise<RemoteEndpoint | undefined> => {
    resolved ??= remoteEndpoint(ctx, globals);
    return resolved;
  };
  return {
    ctx,
    out,
    globals,
    api: async (options = {}) => {
      const endpoint = await remote();
      if (endpoint !== undefined) {
        const { createRemoteApi } = await import('../core/remoteApi.js');
        return createRemoteApi(endpoint);
      }
      return ctx.connect({
        paths: ctx.paths,
        self: ctx.self,
        autostart: globals.autostart && options.autostart !== false,
        notify: (message) => out.note(message),
      });
    },
    remote,
    requireLocal: async (command) => {
      const endpoint = await remote();
      if (endpoint === undefined) return;
      throw new McpctlError(
        'INVALID_ARGUMENT',
        `'mcpctl ${command}' works on this machine only, not against the remote context ${endpoint.url}`,
        {
          hint: "run it on the daemon's host, or pass --context local",
        },
      );
    },
  };
}
