import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';
import { installDaemonService } from './install.js';
import { daemonLogs } from './logs.js';
import { startDaemonInBackground } from './start.js';
import { showDaemonStatus } from './status.js';
import { stopDaemonGracefully } from './stop.js';
import { uninstallDaemonService } from './uninstall.js';

/** The `daemon` verbs; `run` loads the daemon itself only when run. */
export function registerDaemonCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const daemon = program.command('daemon').description('run and manage the background daemon');
  daemon
    .command('run')
    .description('run the daemon in the foreground (for systemd, launchd, containers)')
    .option('--gateway-port <port>', 'port of the MCP gateway on 127.0.0.1 (default 7711; 0 picks a free one)')
    .option('--listen <host:port>', 'also serve the control API and the gateway over TLS, tokens required')
    .option('--tls-cert <file>', 'PEM certificate for --listen (default: a self-signed one, kept)')
    .option('--tls-key <file>', 'PEM key for --tls-cert')
    .option('--node <name>', "this daemon's name in a cluster sharing one store (default: the host name)")
    .option('--advertise <url>', 'https://HOST:PORT other nodes dial for --listen (default: the listen address)')
    .action(async (flags) => {
      await inv().requireLocal('daemon run');
      const { runDaemonInForeground } = await import('./run.js');
      await runDaemonInForeground(inv(), flags);
    });
  daemon
    .command('start')
    .description('start the daemon in the background (nothing to do if it runs)')
    .option('--gateway-port <port>', 'port of the MCP gateway on 127.0.0.1 (default 7711; 0 picks a free one)')
    .option('--listen <host:port>', 'also serve the control API and the gateway over TLS, tokens required')
    .option('--tls-cert <file>', 'PEM certificate for --listen (default: a self-signed one, kept)')
    .option('--tls-key <file>', 'PEM key for --tls-cert')
    .option('--node <name>', "this daemon's name in a cluster sharing one store (default: the host name)")
    .option('--advertise <url>', 'https://HOST:PORT other nodes dial for --listen (default: the listen address)')
    .action(async (flags) => {
      await inv().requireLocal('daemon start');
      await startDaemonInBackground(inv(), flags);
    });
  daemon
    .command('stop')
    .description('stop the daemon and its servers gracefully')
    .action(() => stopDaemonGracefully(inv()));
  daemon
    .command('status')
    .description('show whether the daemon runs, its paths and server counts (exit 6 if not running)')
    .action(() => showDaemonStatus(inv()));
  daemon
    .command('logs')
    .description("print the daemon's own log")
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('--tail <n>', 'only the last n lines (default with -f: 100)')
    .option('--since <duration>', 'only lines newer than this (10m, 2h) or this time (ISO 8601)')
    .option('--timestamps', 'prefix each line with its time')
    .option('--level <level>', 'only lines at this level or more severe (debug, info, warn, error)')
    .option('--grep <text>', 'only lines containing this text')
    .action((flags) => daemonLogs(inv(), flags));
  daemon
    .command('install')
    .description('install a user service that starts the daemon at login (systemd, launchd)')
    .option('--dry-run', 'print the unit and the commands instead of applying them')
    .action(async (flags) => {
      await inv().requireLocal('daemon install');
      await installDaemonService(inv(), flags);
    });
  daemon
    .command('uninstall')
    .description('remove the user service')
    .option('--dry-run', 'print what would be removed')
    .action(async (flags) => {
      await inv().requireLocal('daemon uninstall');
      await uninstallDaemonService(inv(), flags);
    });
}
