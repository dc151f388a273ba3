import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { collect } from '../../flags.js';
import type { Invocation } from '../../invocation.js';

/** The `alert` verbs; each loads when run (the rule grammar and the output with it). */
export function registerAlertCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const alert = program
    .command('alert')
    .description('threshold alerts on servers, with webhook, command or log notifications');
  alert
    .command('add <name>')
    .description("add a rule, e.g. --when 'restarts > 3 in 10m' --notify webhook:https://...")
    .requiredOption(
      '--when <rule>',
      "the condition: 'restarts > N in DUR', 'down for DUR', 'error-rate > P% in DUR', 'p95 > DUR in DUR', 'memory > SIZE', 'sessions > N'",
    )
    .option('--server <name>', 'only this server (default: every server)')
    .option(
      '--notify <target>',
      'webhook:URL (http/https), command:PROGRAM ARGS (the alert as JSON on stdin), log or desktop; repeatable (default: log)',
      collect,
      [] as string[],
    )
    .action(async (name, flags) => {
      const { addAlert } = await import('./verbs.js');
      await addAlert(inv(), name, flags);
    });
  alert
    .command('ls')
    .alias('list')
    .description('list rules with their state (ok or firing) and since when')
    .action(async () => {
      const { listAlerts } = await import('./verbs.js');
      await listAlerts(inv());
    });
  alert
    .command('rm <name>')
    .description('remove a rule added with alert add')
    .action(async (name) => {
      const { removeAlert } = await import('./verbs.js');
      await removeAlert(inv(), name);
    });
  alert
    .command('test <name>')
    .description("send a test notice through the rule's notifiers and report each outcome (exit 5 if one failed)")
    .action(async (name) => {
      const { testAlert } = await import('./verbs.js');
      await testAlert(inv(), name);
    });
}
