import { Argument, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';
import { completionScript, SHELLS } from './scripts.js';

/** `mcpctl completion SHELL`; its scripts call `mcpctl __complete WORDS...`, which run.ts answers before parsing. */
export function registerCompletionCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  program
    .command('completion')
    .description('print a shell completion script: verbs, flags, and server and profile names')
    .addArgument(new Argument('<shell>').choices(SHELLS))
    .addHelpText('after', '\nExample: source <(mcpctl completion bash)   # add it to ~/.bashrc')
    .action((shell) => {
      const invocation = inv();
      const self = [invocation.ctx.self.execPath, ...invocation.ctx.self.args];
      invocation.out.out(completionScript(shell, self));
    });
}
