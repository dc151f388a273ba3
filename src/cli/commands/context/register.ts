import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

/** The `context` verbs: which daemon the CLI talks to (`local`, or a remote one over TLS). */
export function registerContextCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const context = program.command('context').description('the daemons this CLI talks to (local, or remote over TLS)');
  context
    .command('add <name>')
    .description('add a remote daemon: its --listen URL, a token file, and its CA or certificate fingerprint')
    .requiredOption('--url <url>', "https://HOST:PORT of the daemon's --listen")
    .requiredOption('--token-file <file>', 'a file holding the token (mcpctl token create)')
    .option('--ca <file>', "PEM of the CA that signed the daemon's certificate")
    .option('--fingerprint <sha256>', "pin the daemon's certificate (SHA-256 as 'mcpctl daemon status' prints it)")
    .action(async (name, flags) => {
      const { addContext } = await import('./verbs.js');
      addContext(inv(), name, flags);
    });
  context
    .command('ls')
    .alias('list')
    .description('list contexts; * marks the current one')
    .action(async () => {
      const { listContexts } = await import('./verbs.js');
      await listContexts(inv());
    });
  context
    .command('use <name>')
    .description("make a context the current one ('local': this machine's daemon)")
    .action(async (name) => {
      const { useContext } = await import('./verbs.js');
      useContext(inv(), name);
    });
  context
    .command('rm <name>')
    .alias('remove')
    .description('remove a context')
    .action(async (name) => {
      const { removeContext } = await import('./verbs.js');
      removeContext(inv(), name);
    });
}
