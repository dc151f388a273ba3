import type { ControlApi } from '../core/api.js';
import type { Globals } from './globals.js';
import type { CliContext } from './io.js';
import { shouldColor } from './output/colors.js';
import { createPrinter, type Printer } from './output/printer.js';

/** What a verb receives: the context, a printer in the chosen format, and a way to reach the daemon. */
export interface Invocation {
  ctx: CliContext;
  out: Printer;
  globals: Globals;
  /** Connects to the daemon, starting it unless refused (`--no-start-daemon`, or `autostart: false`). */
  api(options?: { autostart?: boolean }): Promise<ControlApi>;
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
  return {
    ctx,
    out,
    globals,
    api: (options = {}) =>
      ctx.connect({
        paths: ctx.paths,
        self: ctx.self,
        autostart: globals.autostart && options.autostart !== false,
        notify: (message) => out.note(message),
      }),
  };
}
