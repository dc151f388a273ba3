import { type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { CLIENT_IDS } from '../../../core/clients/clientIds.js';
import { collect } from '../../flags.js';
import type { Invocation } from '../../invocation.js';

const SCOPE_HELP =
  'user|project|local (also global, workspace); default: every scope (import), the user scope (install)';

/**
 * `clients ls`, `import`, `install` and `uninstall`: AI clients' config files. Each verb loads its
 * module (and jsonc-parser, smol-toml, diff) when it runs, so short commands never do.
 */
export function registerClientCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const known = `\nClients: ${CLIENT_IDS.join(', ')}`;
  const clients = program
    .command('clients')
    .description("AI clients' MCP configs: what they list, and mcpctl's entries");
  clients
    .command('ls [client]')
    .alias('list')
    .description("each supported client: detected or not, its config files, their entries and which are mcpctl's")
    .option('--scope <scope>', 'only this scope (with a CLIENT)')
    .option('--config <file>', "read this file, of the client's shape (with a CLIENT)")
    .addHelpText('after', known)
    .action(async (client, flags) => {
      const { listClients } = await import('./ls.js');
      await listClients(inv(), client, flags);
    });

  program
    .command('import [client]')
    .description("register the servers a client's config lists as mcpctl servers")
    .option('--all', 'every detected client')
    .option('--scope <scope>', SCOPE_HELP)
    .option('--config <file>', "read this file, of the client's shape")
    .option('--dry-run', 'show what would be added, add nothing')
    .option('--profile <name>', 'also add the imported servers to this profile (created when missing)')
    .option('--rename', 'a name taken by another server: import under NAME-2, NAME-3...')
    .option('--overwrite', 'a name taken by another server: replace that server')
    .option('--no-start', 'do not start the imported servers (autostart off)')
    .addHelpText('after', known)
    .action(async (client, flags) => {
      const { importClients } = await import('./import.js');
      await importClients(inv(), client, flags);
    });

  program
    .command('install <client>')
    .description("write entries into a client's config that reach mcpctl's gateway")
    .option('--server <name>', 'an entry for this server (repeatable)', collect)
    .option('--profile <name>', 'one entry for this profile')
    .option('--scope <scope>', 'user|project|local (default: user)')
    .option('--config <file>', "write this file, of the client's shape")
    .addOption(
      new Option('--transport <transport>', 'stdio: mcpctl connect; http: the gateway URL')
        .choices(['stdio', 'http'])
        .default('stdio'),
    )
    .option('--replace', 'remove the entries the servers were imported from (kept in the backup)')
    .option('--dry-run', 'print the unified diff, write nothing')
    .addHelpText('after', known)
    .action(async (client, flags) => {
      const { installClient } = await import('./install.js');
      await installClient(inv(), client, flags);
    });

  program
    .command('uninstall <client>')
    .description("remove the entries mcpctl wrote from a client's config")
    .option('--server <name>', "only this server's entry (repeatable)", collect)
    .option('--profile <name>', "only this profile's entry")
    .option('--scope <scope>', 'only this scope (default: every scope)')
    .option('--config <file>', "edit this file, of the client's shape")
    .option('--dry-run', 'print the unified diff, write nothing')
    .addHelpText('after', known)
    .action(async (client, flags) => {
      const { uninstallClient } = await import('./uninstall.js');
      await uninstallClient(inv(), client, flags);
    });
}
