import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { collect } from '../../flags.js';
import type { Invocation } from '../../invocation.js';

/** `mcpctl events`: the daemon's record of state changes; the verb loads when run. */
export function registerEventCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  program
    .command('events')
    .description('print state changes (servers, sessions, profiles, alerts); -f follows them')
    .option('-f, --follow', 'keep printing new events until Ctrl-C (no gap after the history)')
    .option(
      '--since <duration>',
      'only events newer than this (10m, 2h) or this time (ISO 8601); default: the last 100',
    )
    .option('--server <name>', "only this server's events")
    .option('--type <types>', 'only these types (comma-separated, repeatable): crashed,backoff,running,...', collect)
    .action(async (flags) => {
      const { printEvents } = await import('./events.js');
      await printEvents(inv(), flags);
    });
}
