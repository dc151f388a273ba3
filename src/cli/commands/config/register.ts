import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

const CONFIG_HELP = `
Precedence: a flag (-o for cli.output) > an MCPCTL_* variable > config.yaml > the default.
Daemon settings are read when the daemon starts: a change says when it needs a restart.
'profile' is the current profile, kept by the daemon.

Examples:
  mcpctl config set gateway.port 7800
  mcpctl config ls --show-origin
  mcpctl config unset gateway.port`;

/** `mcpctl config`: the settings in config.yaml (edited in place, comments kept); the work loads when run. */
export function registerConfigCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const config = program
    .command('config')
    .description('get, set and list settings (config.yaml, MCPCTL_* variables, defaults)')
    .addHelpText('after', CONFIG_HELP);
  config
    .command('get <key>')
    .description("print one setting's effective value")
    .option('--show-origin', 'also say where the value comes from')
    .action(async (key, flags) => {
      const { getSetting } = await import('./config.js');
      await getSetting(inv(), key, flags);
    });
  config
    .command('set <key> <value>')
    .description('write a setting to config.yaml (checked against its rule first)')
    .action(async (key, value) => {
      const { setSetting } = await import('./config.js');
      await setSetting(inv(), key, value);
    });
  config
    .command('unset <key>')
    .description('remove a setting from config.yaml (back to its default)')
    .action(async (key) => {
      const { unsetSetting } = await import('./config.js');
      await unsetSetting(inv(), key);
    });
  config
    .command('ls')
    .alias('list')
    .description('list every setting with its effective value')
    .option('--show-origin', 'add an ORIGIN column: default, the file and line, the variable, or the flag')
    .action(async (flags) => {
      const { listSettings } = await import('./config.js');
      await listSettings(inv(), flags);
    });
}
