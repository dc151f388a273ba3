import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

const APPLY_EXAMPLES = `
Examples:
  mcpctl apply -f mcpctl.yaml --dry-run     # print the plan as a diff, change nothing
  mcpctl apply -f mcpctl.yaml --prune       # also remove what the file does not name
  mcpctl export > mcpctl.yaml               # the current definitions, in the same format
  mcpctl export | mcpctl apply -f -         # a no-op

The file is validated whole (schema/mcpctl.schema.json) before anything changes.`;

/** `apply` and `export`: the declarative file. Both load zod and yaml, so they load when run. */
export function registerApplyCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  program
    .command('apply')
    .description('create, update (or with --prune remove) servers and profiles to match a YAML or JSON file')
    .requiredOption('-f, --file <file>', 'the file, or - for stdin')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--prune', 'also remove the servers and profiles the file does not name')
    .addHelpText('after', APPLY_EXAMPLES)
    .action(async (flags) => {
      const { applyFile } = await import('./apply.js');
      await applyFile(inv(), flags);
    });
  program
    .command('export')
    .description('print the servers and profiles as a file for apply -f (YAML, or -o json)')
    .option('--profile <name>', 'only this profile and the servers it uses')
    .action(async (flags) => {
      const { exportConfig } = await import('./export.js');
      await exportConfig(inv(), flags);
    });
}
