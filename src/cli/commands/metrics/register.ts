import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

/** `metrics` and `top`: each verb loads its module (and `top` its terminal library) when run. */
export function registerMetricsCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  program
    .command('metrics [server]')
    .description(
      "servers' calls, errors, latency (last minute), CPU and memory; with SERVER, its tools (Prometheus: GET /metrics on the gateway)",
    )
    .action(async (server) => {
      const { showMetrics } = await import('./metrics.js');
      await showMetrics(inv(), server);
    });
  program
    .command('top')
    .description(
      'live view of servers and sessions, refreshed every second (q quits; one snapshot when not a terminal)',
    )
    .option('--interval <ms>', 'refresh interval in milliseconds', '1000')
    .action(async (flags) => {
      const { runTop } = await import('./top.js');
      await runTop(inv(), flags);
    });
}
