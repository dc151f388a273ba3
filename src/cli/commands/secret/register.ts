import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from '../../invocation.js';

/**
 * The `secret` verbs. Each loads ./verbs.js when it runs (names are checked with the daemon's zod
 * schema, exit 2 before the daemon is touched; `mcpctl ls` must not load zod). A value never
 * comes from argv: stdin, or a hidden prompt on a terminal.
 */
const verbs = () => import('./verbs.js');

const SET_EXAMPLES = `
Examples:
  mcpctl secret set GITHUB_TOKEN                 # asks for it, hidden
  gh auth token | mcpctl secret set GITHUB_TOKEN
  mcpctl server add github --env 'GITHUB_TOKEN=\${secret:GITHUB_TOKEN}' -- npx -y @modelcontextprotocol/server-github

A server gets the value when it is spawned (env, args; headers of an http server, when connected).`;

export function registerSecretCommands(program: CommandUnknownOpts, inv: () => Invocation): void {
  const secret = program
    .command('secret')
    .description(`named values encrypted at rest, given to servers as \${secret:NAME}; never printed`);
  secret
    .command('set <name>')
    .description('create or replace a secret: the value is read from stdin, or asked for (hidden) on a terminal')
    .addHelpText('after', SET_EXAMPLES)
    .action(async (name) => (await verbs()).setSecret(inv(), name));
  secret
    .command('ls')
    .alias('list')
    .description('list secrets: names, created, updated, and the servers and profile members that use them')
    .action(async () => (await verbs()).listSecrets(inv()));
  secret
    .command('rm <names...>')
    .alias('delete')
    .description('remove secrets (refused while a server or profile member uses one, unless --force)')
    .option('--force', 'remove even when used (those servers then fail to start until it is set again)')
    .action(async (names, flags) => (await verbs()).removeSecrets(inv(), names, { force: flags.force === true }));
  secret
    .command('rotate-key')
    .description('a new master key: re-encrypts every secret in one transaction (keyring or key file)')
    .action(async () => (await verbs()).rotateKey(inv()));
}
