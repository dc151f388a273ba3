import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';
import { withConnectFlags } from '../connectFlags.js';
import { killSessions } from './kill.js';
import { listSessions } from './ls.js';
import { showSession } from './show.js';

/** The `session` verbs (sessions of MCP clients through the gateway); `connect` (the MCP SDK) loads when run. */
export function registerSessionCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const session = program.command('session').description('list, inspect and end client sessions through the gateway');
  session
    .command('ls')
    .alias('list')
    .description('list open sessions (--all adds recent closed ones)')
    .option('--server <name>', "only this server's sessions")
    .option('--all', 'also recent closed sessions, with a STATE column')
    .action((flags) => listSessions(inv(), flags));
  session
    .command('show <id>')
    .alias('status')
    .description('show one session, open or closed')
    .action((id) => showSession(inv(), id));
  session
    .command('kill <ids...>')
    .alias('disconnect')
    .description('end open sessions (their clients see the session gone)')
    .action((ids) => killSessions(inv(), ids));
  withConnectFlags(session.command('connect <server>'))
    .description('bridge stdin/stdout to a server through the gateway (same as: mcpctl connect)')
    .action(async (server, flags) => {
      const { connectStdio } = await import('../connect.js');
      await connectStdio(inv(), server, flags);
    });
}
