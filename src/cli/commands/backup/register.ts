import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

const verbs = () => import('./verbs.js');

const CREATE_HELP = `
The running daemon takes the snapshot (it has the store open); with none running, mcpctl reads the
store itself. On PostgreSQL (store.url) it is a logical export read in one transaction. Secrets stay
encrypted in the file; the master key is not in it: keep it too.`;

const RESTORE_HELP = `
The file is checked first (an mcpctl backup, intact, a schema not newer than this mcpctl's); then the
store is replaced in one step (one transaction on PostgreSQL, refused while another node runs on it)
and a copy of the old one is kept as <db>.before-restore-<time> (<state>/postgres.before-restore-<time>).
An SQLite backup restores into a PostgreSQL store and back (keep the same master key).`;

/** The `backup` verbs: a consistent copy of the whole store, and putting one back. */
export function registerBackupCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const backup = program.command('backup').description('back the store up to a file, or restore it from one');
  backup
    .command('create <file>')
    .description('write a consistent snapshot of the store (servers, profiles, tokens, secrets...) to FILE')
    .option('--force', 'replace FILE if it exists')
    .addHelpText('after', CREATE_HELP)
    .action(async (file, flags) => (await verbs()).createBackup(inv(), file, { force: flags.force === true }));
  backup
    .command('restore <file>')
    .description('replace the store with a backup (the daemon must be stopped)')
    .option('--stop', 'stop the running daemon first')
    .addHelpText('after', RESTORE_HELP)
    .action(async (file, flags) => (await verbs()).restoreBackup(inv(), file, { stop: flags.stop === true }));
}
