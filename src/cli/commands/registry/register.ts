import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

/**
 * The `registry` noun (where servers are found) and the top-level `search`. Every verb loads its
 * module (and zod, MiniSearch) when it runs: registering them costs `mcpctl ls` nothing.
 */
export function registerRegistryCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const registry = program
    .command('registry')
    .description('where search and server add --from find servers (the official MCP Registry preset)');
  registry
    .command('add <name>')
    .description('add a registry that serves the MCP Registry API (GET /v0/servers)')
    .requiredOption('--url <url>', 'its base URL, e.g. https://registry.modelcontextprotocol.io')
    .action(async (name, flags) => {
      const { addRegistryCommand } = await import('./add.js');
      await addRegistryCommand(inv(), name, flags.url);
    });
  registry
    .command('ls')
    .alias('list')
    .description('list the registries, in the order they are asked')
    .action(async () => {
      const { listRegistriesCommand } = await import('./ls.js');
      await listRegistriesCommand(inv());
    });
  registry
    .command('rm <name>')
    .aliases(['remove', 'delete'])
    .description('remove a registry (its cached answers are kept until overwritten)')
    .action(async (name) => {
      const { removeRegistryCommand } = await import('./rm.js');
      await removeRegistryCommand(inv(), name);
    });

  program
    .command('search <query...>')
    .description('find MCP servers in the registries, ranked by relevance (name, title, description)')
    .option('--registry <name>', 'ask only this registry (default: every one, see registry ls)')
    .option('--limit <n>', 'most results shown (default 20)')
    .option('--refresh', 'ignore cached answers (by default each answer is revalidated with its ETag)')
    .addHelpText('after', '\nExamples:\n  mcpctl search filesystem\n  mcpctl search read files --limit 5 -o json')
    .action(async (words, flags) => {
      const { searchCommand } = await import('./search.js');
      await searchCommand(inv(), words.join(' '), flags);
    });
}
