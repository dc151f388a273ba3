import { type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

/**
 * The inspector verbs: an MCP client session through the gateway, so the shared instance answers.
 * Each verb loads its module (and the MCP SDK) when run: `mcpctl ls` never pays for them.
 */
type MakeInvocation = () => Invocation;

const PROFILE_FLAG = ['--profile <name>', "a profile's aggregated endpoint instead of one server"] as const;

const CALL_HELP = `
  --json ARGS              the arguments as JSON: '{...}', @FILE or - (stdin); a bare
                           --json (no value) keeps meaning -o json

Arguments: KEY=VALUE words, typed by the tool's input schema (n=3 is a number when the schema
says number, true a boolean, JSON for objects and arrays), over --json '{...}', --json @FILE or
--json - (stdin). They are checked against the schema before anything is sent (exit 2).
Exit 5 when the tool answers with isError; -o json prints the raw result.

Examples:
  mcpctl call everything echo message=hi
  mcpctl call everything get-sum a=2 b=3
  mcpctl call everything echo --json '{"message": "hi"}'
  mcpctl call --profile dev search_tools query=files`;

/** The positional words in order: with --profile the first one is the tool (or URI, prompt), not a server. */
function words(first: string | undefined, second: string | undefined, rest: string[]): string[] {
  return [first, second, ...rest].filter((word): word is string => word !== undefined);
}

export function registerInspectCommands(program: CommandUnknownOpts, inv: MakeInvocation): void {
  program
    .command('tools [server]')
    .description("list a server's tools: name, title, annotations, description (-o json adds input schemas)")
    .option(...PROFILE_FLAG)
    .action(async (server, flags) => {
      const { listTools } = await import('./tools.js');
      await listTools(inv(), server, flags);
    });

  program
    .command('call [server] [tool] [args...]')
    .usage('[options] SERVER TOOL [KEY=VALUE...]  (or: --profile P TOOL [KEY=VALUE...])')
    .description("call a server's tool and print its result")
    .option(...PROFILE_FLAG)
    // `--json ARGS` reaches this command as --arguments-json (run.ts): the root's --json means -o json.
    .addOption(new Option('--arguments-json <json>').hideHelp())
    .option('--timeout <duration>', 'longest wait for the result, renewed by each progress notification', '60s')
    .addHelpText('after', CALL_HELP)
    .action(async (server, tool, args, flags) => {
      const { callTool } = await import('./call.js');
      await callTool(inv(), words(server, tool, args), flags);
    });

  program
    .command('resources [server]')
    .description("list a server's resources and resource templates")
    .option(...PROFILE_FLAG)
    .action(async (server, flags) => {
      const { listResources } = await import('./resources.js');
      await listResources(inv(), server, flags);
    });

  program
    .command('read [server] [uri]')
    .usage('[options] SERVER URI  (or: --profile P URI)')
    .description('read one resource and print its contents (text as is, binary summarised)')
    .option(...PROFILE_FLAG)
    .action(async (server, uri, flags) => {
      const { readResource } = await import('./resources.js');
      await readResource(inv(), words(server, uri, []), flags);
    });

  program
    .command('prompts [server]')
    .description("list a server's prompts and their arguments (* marks a required one)")
    .option(...PROFILE_FLAG)
    .action(async (server, flags) => {
      const { listPrompts } = await import('./prompts.js');
      await listPrompts(inv(), server, flags);
    });

  program
    .command('prompt [server] [name] [args...]')
    .usage('[options] SERVER NAME [KEY=VALUE...]  (or: --profile P NAME [KEY=VALUE...])')
    .description("get a server's prompt with its arguments and print its messages")
    .option(...PROFILE_FLAG)
    .action(async (server, name, args, flags) => {
      const { getPrompt } = await import('./prompts.js');
      await getPrompt(inv(), words(server, name, args), flags);
    });
}
