import { Command, type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { defaultOutputSetting, OUTPUT_FORMATS } from '../core/config/cliSettings.js';
import { McpctlError } from '../shared/errors.js';
import { registerApplyCommands } from './commands/apply/register.js';
import { registerClientCommands } from './commands/clients/register.js';
import { registerCompletionCommands } from './commands/completion/register.js';
import { registerConfigCommands } from './commands/config/register.js';
import { withConnectFlags } from './commands/connectFlags.js';
import { registerContextCommands } from './commands/context/register.js';
// biome-ignore lint/style/noRestrictedImports: the CLI's `daemon` noun (commands/daemon/), not the daemon/ layer.
import { registerDaemonCommands } from './commands/daemon/register.js';
import { registerInspectCommands } from './commands/inspect/register.js';
import { registerProfileCommands } from './commands/profile/register.js';
import { registerRegistryCommands } from './commands/registry/register.js';
import {
  defineLogs,
  defineLs,
  defineRestart,
  defineRm,
  defineShow,
  defineStart,
  defineStop,
  registerServerCommands,
} from './commands/server/register.js';
import { registerSessionCommands } from './commands/session/register.js';
import { registerTokenCommands } from './commands/token/register.js';
import { printVersion } from './commands/version.js';
import { resolveGlobals } from './globals.js';
import { createInvocation, type Invocation } from './invocation.js';
import type { CliContext } from './io.js';
import type { OutputFormat } from './output/printer.js';

export interface ProgramHooks {
  /** commander's own error message (usage errors); run.ts renders it with a hint. */
  outputError(message: string): void;
}

/**
 * The command tree, registered eagerly (help and suggestions need it all) with verbs loaded lazily.
 * exitOverride and configureOutput are set before any subcommand is added so that every subcommand
 * inherits them: commander never writes to the process or exits by itself.
 */
export function buildProgram(ctx: CliContext, hooks: ProgramHooks): CommandUnknownOpts {
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

  registerServerCommands(program, inv);
  registerDaemonCommands(program, inv);
  registerSessionCommands(program, inv);
  registerProfileCommands(program, inv);
  registerApplyCommands(program, inv);
  registerInspectCommands(program, inv);
  registerConfigCommands(program, inv);
  registerCompletionCommands(program, inv);
  registerRegistryCommands(program, inv);
  registerClientCommands(program, inv);
  registerTokenCommands(program, inv);
  registerContextCommands(program, inv);

  // Shortcuts for the everyday verbs, as pm2 and docker have them.
  defineLs(program, 'ls', inv).alias('ps').description('list servers (same as: server ls)');
  defineRm(program, 'rm', inv).description('remove servers (same as: server rm)');
  defineShow(program, 'status', inv).description('show one server (same as: server show)');
  defineLogs(program, inv).description("print a server's log (same as: server logs)");
  defineStart(program, inv).description('start servers (same as: server start)');
  defineStop(program, inv).description('stop servers (same as: server stop)');
  defineRestart(program, inv).description('restart servers (same as: server restart)');

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
