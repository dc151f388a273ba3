import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { collect } from '../../flags.js';
import type { Invocation } from '../../invocation.js';

/** The `token` verbs: API tokens for the remote listener and `gateway.auth: token`. */
export function registerTokenCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const token = program.command('token').description('create, list and revoke API tokens (remote access)');
  token
    .command('create <name>')
    .description('create a token and print it once (only its hash is kept)')
    .requiredOption('--role <role>', 'admin, operator, viewer or client')
    .option('--scope <objects>', 'only these objects: server:NAME,profile:NAME (repeatable)', collect, [])
    .option('--expires <duration>', 'expire after this long (30d, 12h); default never')
    .option('--read-only', 'client tokens: only tools annotated readOnlyHint are listed and callable')
    .action(async (name, flags) => {
      const { createToken } = await import('./verbs.js');
      await createToken(inv(), name, flags);
    });
  token
    .command('ls')
    .alias('list')
    .description('list tokens: name, role, scope, created, expires, last used')
    .action(async () => {
      const { listTokens } = await import('./verbs.js');
      await listTokens(inv());
    });
  token
    .command('revoke <name>')
    .alias('rm')
    .description('revoke a token (next request refused, its gateway sessions closed)')
    .action(async (name) => {
      const { revokeToken } = await import('./verbs.js');
      await revokeToken(inv(), name);
    });
}
