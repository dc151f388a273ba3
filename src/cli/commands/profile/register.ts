import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { collect } from '../../flags.js';
import type { Invocation } from '../../invocation.js';

/**
 * The `profile` verbs. Every action loads ./verbs.js when it runs: they validate their input with
 * the daemon's zod schemas (exit 2 before the daemon is touched), and `mcpctl ls` must not load zod.
 */
type MakeInvocation = () => Invocation;

const verbs = () => import('./verbs.js');

const CREATE_EXAMPLES = `
Examples:
  mcpctl profile create work --server fs --server memory --description 'the day job'
  mcpctl profile create work2 --copy-from work --server slack

Clients connect to it at /profiles/NAME/mcp, or with: mcpctl connect --profile NAME`;

export function registerProfileCommands(program: CommandUnknownOpts, inv: MakeInvocation): void {
  const profile = program
    .command('profile')
    .description('named sets of servers served as one MCP endpoint, with tool filters and overrides');

  profile
    .command('create <name>')
    .description('define a profile of defined servers (in the order given)')
    .option(
      '--server <server>',
      'a member (repeatable; the first wins a contested resource URI)',
      collect,
      [] as string[],
    )
    .option('--description <text>', 'what it is for')
    .option('--copy-from <profile>', "start from a copy of another profile's members and settings")
    .addHelpText('after', CREATE_EXAMPLES)
    .action(async (name, flags) => (await verbs()).createProfile(inv(), name, flags));
  profile
    .command('add <name> <servers...>')
    .description('add servers to a profile (after its members)')
    .action(async (name, servers) => (await verbs()).editProfile(inv(), name, { op: 'addMembers', servers }));
  profile
    .command('remove <name> <servers...>')
    .description('remove servers from a profile (the servers stay defined)')
    .action(async (name, servers) => (await verbs()).editProfile(inv(), name, { op: 'removeMembers', servers }));
  profile
    .command('ls')
    .alias('list')
    .description('list profiles (* marks the current one)')
    .action(async () => (await verbs()).listProfiles(inv()));
  profile
    .command('show <name>')
    .aliases(['status', 'describe'])
    .description('show a profile: its settings, members with their state, and the tools each contributes')
    .action(async (name) => (await verbs()).showProfile(inv(), name));
  profile
    .command('rm <name>')
    .aliases(['delete'])
    .description('remove a profile (its servers stay defined)')
    .action(async (name) => (await verbs()).removeProfile(inv(), name));
  profile
    .command('use <name>')
    .description('make it the current profile: the one `connect` uses when given no name')
    .action(async (name) => (await verbs()).useProfile(inv(), name));
  profile
    .command('current')
    .description('print the current profile (exit 8 when none is set)')
    .action(async () => (await verbs()).printCurrentProfile(inv()));

  const env = profile.command('env').description("a member's environment in this profile, laid over the server's own");
  env
    .command('set <name> <server> <pairs...>')
    .description('set KEY=VALUE for a member (the same server with other env runs as another instance)')
    .action(async (name, server, pairs) => (await verbs()).setMemberEnv(inv(), name, server, pairs));
  env
    .command('unset <name> <server> <keys...>')
    .description('drop keys from a member')
    .action(async (name, server, keys) => (await verbs()).editProfile(inv(), name, { op: 'unsetEnv', server, keys }));

  profile
    .command('filter <name>')
    .description('which namespaced tools and prompts clients see (deny wins; a list given replaces the old one)')
    .option('--allow <globs...>', 'only these (* any run, ? one character), e.g. fs__read_*')
    .option('--deny <globs...>', 'never these, even when allowed')
    .option('--clear', 'drop both lists (then the ones given here)')
    .action(async (name, flags) =>
      (await verbs()).editProfile(inv(), name, {
        op: 'filter',
        ...(flags.allow === undefined ? {} : { allow: flags.allow }),
        ...(flags.deny === undefined ? {} : { deny: flags.deny }),
        clear: flags.clear === true,
      }),
    );
  profile
    .command('tool <name> <tool>')
    .description('override what clients see of one tool (by its namespaced name); calls are mapped back')
    .option('--rename <new>', 'the name clients see')
    .option('--description <text>', 'the description clients see')
    .option('--reset', 'drop the override')
    .action(async (name, tool, flags) =>
      (await verbs()).editProfile(inv(), name, {
        op: 'tool',
        tool,
        ...(flags.rename === undefined ? {} : { rename: flags.rename }),
        ...(flags.description === undefined ? {} : { description: flags.description }),
        reset: flags.reset === true,
      }),
    );
  profile
    .command('set <name>')
    .description("change a profile's settings (only those given)")
    .option('--tools <mode>', 'all (default): every tool listed; search: search_tools and call_tool (and the pins)')
    .option(
      '--pin <glob>',
      'search mode: tools listed beside the two meta-tools (repeatable; replaces the pins)',
      collect,
      [] as string[],
    )
    .option('--clear-pins', 'drop the pins')
    .option('--separator <s>', "between a member's name and its tool's (default __)")
    .option('--prefix-first', "prefix the first member's tools too (default)")
    .option('--no-prefix-first', "the first member's tools keep their own names")
    .option('--list-timeout <duration>', "each member's list calls answer within this, or the cache does (default 2s)")
    .option('--description <text>', "what it is for ('' drops it)")
    .action(async (name, flags) => (await verbs()).setProfile(inv(), name, flags));
}
