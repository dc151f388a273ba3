import type { Command, CommandUnknownOpts, OptionValues } from '@commander-js/extra-typings';
import { McpctlError } from '../../../shared/errors.js';
import { collect } from '../../flags.js';
import type { Invocation } from '../../invocation.js';
import { serverLogs } from './logs.js';
import { listServers } from './ls.js';
import { pingServer } from './ping.js';
import { restartServers } from './restart.js';
import { removeServers } from './rm.js';
import { showServer } from './show.js';
import { startServers } from './start.js';
import { stopServers } from './stop.js';
import { printServerUrl } from './url.js';

/**
 * The `server` verbs and their flags. The light verbs are imported with the tree: on a cold start
 * each lazily loaded module costs more than compiling them all. `server add` stays lazy, so
 * `mcpctl ls` never loads what it needs (zod). Shortcuts (`mcpctl ls`, `mcpctl logs`) reuse these.
 */
type MakeInvocation = () => Invocation;

const ADD_EXAMPLES = `
Examples:
  mcpctl server add everything -- npx -y @modelcontextprotocol/server-everything
  mcpctl server add fs --env ROOT=/srv --restart always -- node ./server.js --root /srv
  mcpctl server add docs --url https://example.com/mcp --header 'Authorization: Bearer TOKEN'
  mcpctl server add fs --from filesystem --arg allowed_directory=$HOME/projects
  TRACKER_TOKEN=... mcpctl server add issues --from official:io.github.user/tracker@1.2.0 --env TRACKER_TOKEN

Everything after '--' is the server's argv, stored as is (never run through a shell).
Durations: 500ms, 10s, 5m, 1h.`;

/** The definition flags `server add` and `server set` share (one list, one parser: spec.ts). */
function definitionOptions<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) {
  return command
    .option('--env <KEY=VALUE>', 'environment variable for the server (repeatable)', collect, [] as string[])
    .option('--cwd <dir>', 'working directory (relative paths are resolved here)')
    .option('--url <url>', 'remote MCP server (Streamable HTTP) instead of a command')
    .option('--header <"Name: value">', 'HTTP header sent to a --url server (repeatable)', collect, [] as string[])
    .option('--label <key=value>', 'label (repeatable)', collect, [] as string[])
    .option('--restart <mode>', 'restart policy: always, on-failure (default) or never')
    .option('--max-restarts <n>', 'give up after this many failed starts within --restart-window (default 5)')
    .option('--restart-window <duration>', 'window for --max-restarts (default 2m)')
    .option('--backoff-initial <duration>', 'first restart delay, doubled each time (default 1s)')
    .option('--backoff-max <duration>', 'longest restart delay (default 1m)')
    .option('--stable-after <duration>', 'uptime after which the backoff resets (default 1m)')
    .option('--start-timeout <duration>', 'time allowed to answer initialize (default 30s)')
    .option('--health-interval <duration>', 'time between health checks (default 10s)')
    .option('--health-timeout <duration>', 'time allowed for one health check (default 5s)')
    .option('--health-retries <n>', 'failed checks before unhealthy (default 3)')
    .option('--stop-grace <duration>', 'time between SIGTERM and SIGKILL (default 5s)')
    .option('--share <mode>', 'shared (default): one process for all sessions; isolated: one per session')
    .option('--pool <n>', 'isolated: warm processes kept ready (default 1)')
    .option('--max-sessions <n>', 'isolated: most sessions (= processes) at once (default 64)')
    .option(
      '--root <dir>',
      'shared: a directory the server may use, given when it asks for roots (repeatable)',
      collect,
      [] as string[],
    )
    .option('--request-timeout <duration>', 'a request unanswered this long fails and is cancelled (default 1m)')
    .option(
      '--max-memory <size>',
      'stdio: restart it when its processes hold more memory than this (512M, 2G; 0: no limit)',
    )
    .option(
      '--log-level <level>',
      "least severe line its log keeps, asked of the server too (default: the daemon's logs.level)",
    )
    .option('--replicas <n|all>', 'cluster: on how many nodes it runs (default 1), or all (every node)');
}

export function defineAdd(parent: CommandUnknownOpts, inv: MakeInvocation) {
  const add = parent
    .command('add <name> [command...]')
    .description('define a server: a local command (after --), a remote --url, or an entry of a registry (--from)');
  return definitionOptions(add)
    .option('--no-autostart', 'do not start it with the daemon or now')
    .option('--allow-private', '--url: allow a private, link-local or metadata address (refused by default)')
    .option('--no-wait', 'return at once instead of waiting until it runs (or failed: exit 5)')
    .option('--from <[registry:]server[@version]>', 'fill the command or URL in from a registry entry (mcpctl search)')
    .option(
      '--arg <KEY=VALUE>',
      "--from: a value for the entry's argument, header or variable KEY (repeatable; a bare KEY reads $KEY from the environment)",
      collect,
      [] as string[],
    )
    .option('--debug-payloads', "logs --session shows its requests' arguments (they may hold secrets)")
    .option('--remote', "--from: use the entry's remote (Streamable HTTP) even when it has a package")
    .option('--refresh', '--from: ignore cached registry answers')
    .addHelpText('after', ADD_EXAMPLES)
    .action(async (name, command, flags) => {
      const { from } = flags;
      if (from !== undefined) {
        const { addServerFrom } = await import('./addFrom.js');
        return addServerFrom(inv(), name, command, { ...flags, from });
      }
      if (flags.arg.length > 0 || flags.remote || flags.refresh) {
        throw new McpctlError('INVALID_ARGUMENT', '--arg, --remote and --refresh apply to --from', {
          hint: 'add --from [REGISTRY:]SERVER, or drop them',
        });
      }
      const { addServer } = await import('./add.js');
      await addServer(inv(), name, command, flags);
    });
}

const SET_EXAMPLES = `
Examples:
  mcpctl server set everything --health-interval 5s --restart always   # applied in place
  mcpctl server set fs --env ROOT=/data --unset-env DEBUG                # rolls it over
  mcpctl server set fs -- node ./server.js --root /data                  # a new command and args

Flags not given keep their value; --env, --header, --label and --root add to what is there.
A change to the command, args, env, cwd, sharing, roots, url or headers of a running server rolls
it over: a new process starts and answers initialize before the old one stops, so open sessions
carry on. Anything else applies at once.`;

export function defineSet(parent: CommandUnknownOpts, inv: MakeInvocation) {
  const set = parent
    .command('set <name> [command...]')
    .description("change a server's definition in place (the add flags; -- COMMAND replaces its command)");
  return definitionOptions(set)
    .option('--unset-env <KEY>', 'remove an environment variable (repeatable)', collect, [] as string[])
    .option('--unset-header <name>', 'remove a header of a --url server (repeatable)', collect, [] as string[])
    .option('--unset-label <key>', 'remove a label (repeatable)', collect, [] as string[])
    .option('--unset-root <dir>', 'remove a --root directory (repeatable)', collect, [] as string[])
    .option('--autostart', 'start it with the daemon')
    .option('--no-autostart', 'do not start it with the daemon')
    .option('--allow-private', '--url: allow a private, link-local or metadata address')
    .option('--no-allow-private', '--url: refuse private addresses again (the default)')
    .option('--debug-payloads', "logs --session shows its requests' arguments (they may hold secrets)")
    .option('--no-debug-payloads', 'logs --session shows no arguments (the default)')
    .option('--unset-log-level', "back to the daemon's logs.level")
    .addHelpText('after', SET_EXAMPLES)
    .action(async (name, command, flags) => {
      const { setServer } = await import('./set.js');
      await setServer(inv(), name, command, flags);
    });
}

export function defineEdit(parent: CommandUnknownOpts, inv: MakeInvocation) {
  return parent
    .command('edit <name>')
    .description("edit a server's definition as YAML in $VISUAL or $EDITOR, validated before it is saved")
    .action(async (name) => {
      const { editServer } = await import('./edit.js');
      await editServer(inv(), name);
    });
}

export function defineLs(parent: CommandUnknownOpts, name: string, inv: MakeInvocation) {
  return parent
    .command(name)
    .description('list servers with their state (-o wide adds command and labels)')
    .action(() => listServers(inv()));
}

export function defineShow(parent: CommandUnknownOpts, name: string, inv: MakeInvocation) {
  return parent
    .command(`${name} <name>`)
    .description("show one server's definition, state and recent events")
    .option('-w, --watch [interval]', 'redraw every interval (default 2s) until Ctrl-C')
    .action((server, flags) => showServer(inv(), server, flags));
}

export function defineRm(parent: CommandUnknownOpts, name: string, inv: MakeInvocation) {
  return parent
    .command(`${name} <names...>`)
    .description('stop and remove servers')
    .option('--force', 'also remove them from the profiles they are members of')
    .action((names, flags) => removeServers(inv(), names, { force: flags.force === true }));
}

export function defineStart(parent: CommandUnknownOpts, inv: MakeInvocation) {
  return parent
    .command('start [names...]')
    .description('start servers (and keep them running); waits until they run, exit 5 if one does not')
    .option('--all', 'every server')
    .option('--no-wait', 'return at once instead of waiting until they run')
    .action((names, flags) => startServers(inv(), names, flags));
}

export function defineStop(parent: CommandUnknownOpts, inv: MakeInvocation) {
  return parent
    .command('stop [names...]')
    .description('stop servers (they stay stopped until started)')
    .option('--all', 'every server')
    .action((names, flags) => stopServers(inv(), names, flags));
}

export function defineRestart(parent: CommandUnknownOpts, inv: MakeInvocation) {
  return parent
    .command('restart [names...]')
    .description('restart servers')
    .option('--all', 'every server')
    .action((names, flags) => restartServers(inv(), names, flags));
}

const LOGS_HELP = `
Levels: debug, info, notice, warning (warn), error, critical, alert, emergency. A message the server
sent (notifications/message) has its own; a stderr or stdout line the level word at its head
("ERROR ...", "[warn] ...", after a timestamp) or in a level= field, and info when it names none.

Examples:
  mcpctl logs fs --level warn -f
  mcpctl logs fs --grep timeout
  mcpctl logs --session 3f2c...           # one session's requests: method, duration, outcome
  mcpctl logs --client claude-desktop -f  # the AI client's own MCP log files`;

export function defineLogs(parent: CommandUnknownOpts, inv: MakeInvocation) {
  return parent
    .command('logs [name]')
    .description("print a server's log (stdout and stderr, and the log messages it sends)")
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('--tail <n>', 'only the last n lines (default with -f: 100)')
    .option('--since <duration>', 'only lines newer than this (10m, 2h) or this time (ISO 8601)')
    .option('--timestamps', 'prefix each line with its time')
    .option('--level <level>', 'only lines at this level or more severe')
    .option('--grep <text>', 'only lines containing this text')
    .option('--session <id>', "a gateway session's recent requests instead of a server's log")
    .option('--client <client>', "the AI client's own MCP log files on this machine (claude-desktop, cursor, ...)")
    .addHelpText('after', LOGS_HELP)
    .action(async (name, flags) => {
      const { session, client, ...logFlags } = flags;
      const given = [name, session, client].filter((value) => value !== undefined).length;
      if (given !== 1) {
        throw new McpctlError('INVALID_ARGUMENT', 'give one of: a server NAME, --session ID or --client CLIENT', {
          hint: "e.g. 'mcpctl logs fs', 'mcpctl logs --session ID', 'mcpctl logs --client claude-desktop'",
        });
      }
      if (session !== undefined) {
        const { printSessionTraffic } = await import('../logs/sessionTraffic.js');
        return printSessionTraffic(inv(), session);
      }
      if (client !== undefined) {
        const { printClientLogs } = await import('../logs/clientLogs.js');
        return printClientLogs(inv(), client, logFlags);
      }
      return serverLogs(inv(), name as string, logFlags);
    });
}

export function definePing(parent: CommandUnknownOpts, inv: MakeInvocation) {
  return parent
    .command('ping <name>')
    .description('send one MCP ping to a running server through the daemon and time the answer')
    .action((name) => pingServer(inv(), name));
}

export function defineUrl(parent: CommandUnknownOpts, inv: MakeInvocation) {
  return parent
    .command('url <name>')
    .description("print the server's gateway URL (Streamable HTTP; -o json adds the legacy SSE one)")
    .action((name) => printServerUrl(inv(), name));
}

export function registerServerCommands(program: CommandUnknownOpts, inv: MakeInvocation): void {
  const server = program.command('server').description('define, run and inspect MCP servers');
  defineAdd(server, inv);
  defineSet(server, inv);
  defineEdit(server, inv);
  defineLs(server, 'ls', inv).alias('list');
  defineShow(server, 'show', inv).aliases(['status', 'describe']);
  defineRm(server, 'rm', inv).aliases(['remove', 'delete']);
  defineStart(server, inv);
  defineStop(server, inv);
  defineRestart(server, inv);
  defineLogs(server, inv);
  definePing(server, inv);
  defineUrl(server, inv);
}

/** The `server` noun with the shortcuts for its everyday verbs, as pm2 and docker have them. */
export function registerServerNoun(program: CommandUnknownOpts, inv: MakeInvocation): void {
  registerServerCommands(program, inv);
  defineLs(program, 'ls', inv).alias('ps').description('list servers (same as: server ls)');
  defineRm(program, 'rm', inv).description('remove servers (same as: server rm)');
  defineShow(program, 'status', inv).description('show one server (same as: server show)');
  defineLogs(program, inv).description("print a server's log (same as: server logs)");
  defineStart(program, inv).description('start servers (same as: server start)');
  defineStop(program, inv).description('stop servers (same as: server stop)');
  defineRestart(program, inv).description('restart servers (same as: server restart)');
}
