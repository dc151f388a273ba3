import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { McpctlError } from '../shared/errors.js';

/** The subcommand path argv reaches (`['server', 'add']`), to point the hint at the right `--help`. */
export function commandPath(program: CommandUnknownOpts, argv: readonly string[]): string[] {
  const path: string[] = [];
  let command = program;
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg.startsWith('-') || command.commands.length === 0) continue;
    const sub = command.commands.find((candidate) => candidate.name() === arg || candidate.aliases().includes(arg));
    // An unknown command (`mcpctl sever ls`): what follows it is not a path under this one.
    if (!sub) break;
    path.push(sub.name());
    command = sub;
  }
  return path;
}

/**
 * A commander parse error (unknown option or command, missing argument, bad choice) as an
 * INVALID_ARGUMENT error (exit 2) whose hint names the help to read.
 */
export function usageError(commanderMessage: string, commanderCode: string, path: readonly string[]): McpctlError {
  const message = commanderMessage.trim().replace(/^error: /, '');
  const full = ['mcpctl', ...path].join(' ');
  let hint = `run '${full} --help' for usage`;
  // commander's "(Did you mean server?)": point at the help of the command it suggests.
  const suggested = /\(Did you mean (\S+)\?\)/.exec(message)?.[1];
  if (commanderCode === 'commander.unknownCommand' && suggested) hint = `run '${full} ${suggested} --help' for usage`;
  if (commanderCode === 'commander.unknownOption' && path.join(' ') === 'server add') {
    hint = "put the server's own flags after '--': mcpctl server add NAME -- COMMAND [ARGS...]";
  }
  return new McpctlError('INVALID_ARGUMENT', message, { hint });
}
