import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

/** `mcpctl audit`: the audit log (mutating control calls, gateway tools/call); the verb loads when run. */
export function registerAuditCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  program
    .command('audit')
    .description('list the audit log: every mutating control call and gateway tools/call (never their arguments)')
    .option('--since <when>', 'only calls since a duration ago (10m, 1h, 2d) or an ISO time')
    .option('--principal <name>', "only calls by this principal ('owner', or a token's name)")
    .option('--server <name>', "only calls naming this server ('profiles/NAME' for a profile)")
    .option('--limit <n>', 'at most this many of the newest calls (default 1000)')
    .action(async (flags) => {
      const { listAudit } = await import('./ls.js');
      await listAudit(inv(), flags);
    });
}
