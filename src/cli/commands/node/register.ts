import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

/** The `node` verbs: the daemons of a cluster sharing one store. */
export function registerNodeCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const node = program.command('node').description('list the daemons (nodes) sharing this store');
  node
    .command('ls')
    .alias('list')
    .description('list nodes: name, version, last heartbeat, live, servers running, sessions open')
    .action(async () => {
      const { listNodes } = await import('./verbs.js');
      await listNodes(inv());
    });
}
