import { Command, type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { defaultOutputSetting, OUTPUT_FORMATS } from '../core/config/cliSettings.js';
import { McpctlError } from '../shared/errors.js';
import { withConnectFlags } from './commands/connectFlags.js';
import { printVersion } from './commands/version.js';
import { resolveGlobals } from './globals.js';
import { createInvocation, type Invocation } from './invocation.js';
import type { CliContext } from './io.js';
import { registerNouns } from './nouns.js';
import type { OutputFormat } from './output/printer.js';

export interface ProgramHooks {
  /** commander's own error message (usage errors); run.ts renders it with a hint. */
  outputError(message: string): void;
}

/**
 * The command tree: the nouns the command line needs (all of them for help and suggestions), each
 * verb's module loaded only when it runs.
 * exitOverride and configureOutput are set before any subcommand is added so that every subcommand
 * inherits them: commander never writes to the process or exits by itself.
 */
export async function buildProgram(
  ctx: CliContext,
  hooks: ProgramHooks,
  argv: readonly string[],
): Promise<CommandUnknownOpts> {
  const program = new Command('mcpctl')
    .description('Install, run, supervise and connect MCP servers through one daemon.')
    .version(ctx.version, '-v, --version', 'print the version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('--json', 'same as -o json')
    .option('--no-headers', 'print tables without their header line')
    .option('--no-color', 'no colour (also NO_COLOR=1, TERM=dumb, or when not a terminal)')
    .option('--no-start-daemon', 'never start the daemon automatically (also MCPCTL_NO_AUTOSTART=1)')
    .option('--context <name>', "the daemon to talk to: a context of 'mcpctl context ls' (also MCPCTL_CONTEXT)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: (text) => hooks.outputError(text),
    })
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError();

  // The `cli.output` setting applies when no -o/--json is given; read before the verb runs (it may load yaml).
  let configuredOutput: OutputFormat | undefined;
  const outputGiven = (): boolean => program.getOptionValueSource('output') === 'cli';
  program.hook('preAction', async () => {
    if (outputGiven() || program.opts().json) return;
    configuredOutput = await defaultOutputSetting(ctx.paths, ctx.env, (message) => ctx.stderr.write(`${message}\n`));
  });
  const inv = (): Invocation =>
    createInvocation(
      ctx,
      resolveGlobals(program.opts(), ctx.env, {
        outputGiven: outputGiven(),
        ...(configuredOutput === undefined ? {} : { configured: configuredOutput }),
      }),
    );

  await registerNouns(program, inv, argv);

  withConnectFlags(program.command('connect [name]'))
    .description(
      'bridge stdin/stdout to a managed server, or a profile, through the gateway (what an AI client config runs)',
    )
    .option(
      '--profile <profile>',
      "a profile's aggregated endpoint instead of one server (no name: the current profile)",
    )
    .addHelpText(
      'after',
      '\nClient config: {"command": "mcpctl", "args": ["connect", "NAME"]} or {"args": ["connect", "--profile", "NAME"]}',
    )
    .action(async (name, flags) => {
      if (name !== undefined && flags.profile !== undefined) {
        throw new McpctlError('INVALID_ARGUMENT', 'give a server name or --profile, not both', {
          hint: "'mcpctl connect NAME' bridges to a server, 'mcpctl connect --profile NAME' to a profile",
        });
      }
      const { connectStdio } = await import('./commands/connect.js');
      await connectStdio(inv(), name ?? { profile: flags.profile }, flags);
    });

  program
    .command('version')
    .description('print the version')
    .action(() => printVersion(inv()));
  return program;
}
