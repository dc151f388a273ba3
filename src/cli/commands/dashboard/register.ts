import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

/** `mcpctl dashboard`: a one-time login link to the daemon's web UI; the verb loads when run. */
export function registerDashboardCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  program
    .command('dashboard')
    .description('open the web dashboard (a one-time login link, valid for a minute)')
    .option('--no-open', 'only print the link, do not start a browser')
    .action(async (flags) => {
      const { openDashboard } = await import('./dashboard.js');
      await openDashboard(inv(), flags);
    });
}
