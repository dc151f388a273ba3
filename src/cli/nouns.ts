import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Invocation } from './invocation.js';

type Register = (program: CommandUnknownOpts, inv: () => Invocation) => void;

interface Noun {
  /** The top-level words (commands and their aliases) that its registration defines. */
  words: readonly string[];
  load(): Promise<Register>;
}

/**
 * Every noun's commands, in help order. A command line that names one loads only its module:
 * `mcpctl ls` builds a few commands, not the whole tree. Help, completion and a word nobody
 * defines load them all (suggestions need every name). test/unit/cli/nouns.test.ts checks
 * that `words` is exactly what each registration defines.
 */
export const NOUNS: readonly Noun[] = [
  {
    words: ['server', 'ls', 'ps', 'rm', 'status', 'logs', 'start', 'stop', 'restart'],
    load: async () => (await import('./commands/server/register.js')).registerServerNoun,
  },
  // biome-ignore lint/style/noRestrictedImports: the CLI's `daemon` noun (commands/daemon/), not the daemon/ layer.
  { words: ['daemon'], load: async () => (await import('./commands/daemon/register.js')).registerDaemonCommands },
  { words: ['session'], load: async () => (await import('./commands/session/register.js')).registerSessionCommands },
  { words: ['profile'], load: async () => (await import('./commands/profile/register.js')).registerProfileCommands },
  {
    words: ['apply', 'export'],
    load: async () => (await import('./commands/apply/register.js')).registerApplyCommands,
  },
  {
    words: ['tools', 'call', 'resources', 'read', 'prompts', 'prompt'],
    load: async () => (await import('./commands/inspect/register.js')).registerInspectCommands,
  },
  { words: ['config'], load: async () => (await import('./commands/config/register.js')).registerConfigCommands },
  {
    words: ['completion'],
    load: async () => (await import('./commands/completion/register.js')).registerCompletionCommands,
  },
  {
    words: ['registry', 'search'],
    load: async () => (await import('./commands/registry/register.js')).registerRegistryCommands,
  },
  {
    words: ['clients', 'import', 'install', 'uninstall'],
    load: async () => (await import('./commands/clients/register.js')).registerClientCommands,
  },
  {
    words: ['metrics', 'top'],
    load: async () => (await import('./commands/metrics/register.js')).registerMetricsCommands,
  },
  { words: ['token'], load: async () => (await import('./commands/token/register.js')).registerTokenCommands },
  { words: ['context'], load: async () => (await import('./commands/context/register.js')).registerContextCommands },
  { words: ['events'], load: async () => (await import('./commands/events/register.js')).registerEventCommands },
  { words: ['audit'], load: async () => (await import('./commands/audit/register.js')).registerAuditCommands },
  { words: ['secret'], load: async () => (await import('./commands/secret/register.js')).registerSecretCommands },
  {
    words: ['dashboard'],
    load: async () => (await import('./commands/dashboard/register.js')).registerDashboardCommands,
  },
  { words: ['alert'], load: async () => (await import('./commands/alert/register.js')).registerAlertCommands },
  { words: ['backup'], load: async () => (await import('./commands/backup/register.js')).registerBackupCommands },
  { words: ['node'], load: async () => (await import('./commands/node/register.js')).registerNodeCommands },
];

/** Global options that take a value: the word after them is not the noun. */
const GLOBALS_WITH_VALUE = new Set(['-o', '--output', '--context']);

/** The nouns a command line needs: the one its first word names, or all of them. */
export function nounsFor(argv: readonly string[]): readonly Noun[] {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') break;
    if (word.startsWith('-')) {
      if (GLOBALS_WITH_VALUE.has(word)) i++;
      continue;
    }
    const noun = NOUNS.find((candidate) => candidate.words.includes(word));
    return noun ? [noun] : NOUNS;
  }
  return NOUNS;
}

/** Registers what the command line needs, in help order. */
export async function registerNouns(
  program: CommandUnknownOpts,
  inv: () => Invocation,
  argv: readonly string[],
): Promise<void> {
  const registers = await Promise.all(nounsFor(argv).map((noun) => noun.load()));
  for (const register of registers) register(program, inv);
}
