import { CommanderError } from '@commander-js/extra-typings';
import { toMcpctlError } from '../shared/errors.js';
import { EXIT } from '../shared/exitCodes.js';
import { routeCallJsonFlag } from './commands/inspect/callJsonFlag.js';
import { scanErrorStyle } from './globals.js';
import type { CliContext } from './io.js';
import { createPalette, shouldColor } from './output/colors.js';
import { renderError } from './output/errors.js';
import { buildProgram } from './program.js';
import { ReportedFailure } from './reported.js';
import { commandPath, usageError } from './usageError.js';

/** Help and version requests end through exitOverride too, but they are successes. */
const SUCCESS_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

/** Runs one command line and returns its exit code; every error is rendered here, once. */
export async function runCli(givenArgv: readonly string[], ctx: CliContext): Promise<number> {
  const argv = routeCallJsonFlag(givenArgv);
  let commanderMessage = '';
  const program = await buildProgram(
    ctx,
    {
      outputError: (message) => {
        commanderMessage = message;
      },
    },
    argv,
  );
  // Shell completion: the words are a partial command line, never parsed as one; silent on any failure.
  if (argv[0] === '__complete') {
    const { completeWords } = await import('./commands/completion/complete.js');
    const candidates = await completeWords(program, argv.slice(1), ctx).catch(() => []);
    if (candidates.length > 0) ctx.stdout.write(`${candidates.join('\n')}\n`);
    return EXIT.ok;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (thrown) {
    if (thrown instanceof ReportedFailure) return thrown.exitCode;
    if (ctx.signal.aborted && thrown instanceof Error && thrown.name === 'AbortError') return 130;
    const style = scanErrorStyle(argv);
    const palette = createPalette(shouldColor({ flag: style.color, env: ctx.env, isTTY: ctx.stderrIsTTY }));
    let error = toMcpctlError(thrown);
    if (thrown instanceof CommanderError) {
      if (SUCCESS_CODES.has(thrown.code)) return EXIT.ok;
      // A command group without its verb (`mcpctl server`): commander already printed the help.
      if (thrown.code === 'commander.help') return EXIT.usage;
      error = usageError(commanderMessage || thrown.message, thrown.code, commandPath(program, argv));
    }
    const debug = Boolean(ctx.env.MCPCTL_DEBUG);
    ctx.stderr.write(renderError(error, { json: style.json, palette, debug }));
    return error.exitCode;
  }
}
