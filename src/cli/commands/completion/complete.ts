import type { CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import type { ControlApi } from '../../../core/api.js';
import { CLIENT_IDS } from '../../../core/clients/clientIds.js';
import { SETTING_KEYS } from '../../../core/config/settingKeys.js';
import type { CliContext } from '../../io.js';

/** The daemon is asked for names only when it runs, and never waited on for long: completion must feel instant. */
const LOOKUP_TIMEOUT_MS = 1000;

type NameKind = 'server' | 'profile' | 'setting' | 'client';

function visibleCommands(command: CommandUnknownOpts): CommandUnknownOpts[] {
  return command.commands.filter((sub) => !(sub as unknown as { _hidden?: boolean })._hidden);
}

function findSub(command: CommandUnknownOpts, word: string): CommandUnknownOpts | undefined {
  return command.commands.find((sub) => sub.name() === word || sub.aliases().includes(word));
}

/** Options of the command and of its ancestors (root flags work everywhere). */
function optionsInScope(command: CommandUnknownOpts): Option[] {
  const options: Option[] = [];
  for (let at: CommandUnknownOpts | null = command; at; at = at.parent) options.push(...(at.options as Option[]));
  return options.filter((option) => !option.hidden);
}

function findOption(command: CommandUnknownOpts, word: string): Option | undefined {
  const flag = word.split('=')[0];
  return optionsInScope(command).find((option) => option.long === flag || option.short === flag);
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/** Which existing names an argument takes, by its name and where its command sits in the tree. */
function argumentKind(
  command: CommandUnknownOpts,
  argName: string,
  index: number,
  words: string[],
): NameKind | undefined {
  const noun = command.parent?.parent ? command.parent.name() : '';
  if (noun === 'profile') return command.name() === 'create' ? undefined : 'profile';
  if (noun === 'config' && argName === 'key' && index === 0) return 'setting';
  if (argName === 'client') return 'client';
  // call/read/prompt with --profile: the first word is the tool (URI, prompt), not a server.
  if (argName === 'server' && words.includes('--profile')) return undefined;
  if (argName === 'server' || argName === 'servers') return 'server';
  if ((argName === 'name' || argName === 'names') && (noun === '' || noun === 'server')) {
    return command.name() === 'add' ? undefined : 'server';
  }
  return undefined;
}

function withTimeout<T>(work: Promise<T>): Promise<T | undefined> {
  return Promise.race([
    work.catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), LOOKUP_TIMEOUT_MS).unref()),
  ]);
}

async function namesOf(kind: NameKind, ctx: CliContext): Promise<string[]> {
  if (kind === 'client') return [...CLIENT_IDS];
  if (kind === 'setting') {
    return [...SETTING_KEYS.map((key) => key.key), 'profile'];
  }
  let api: ControlApi;
  try {
    api = await ctx.connect({ paths: ctx.paths, self: ctx.self, autostart: false, notify: () => {} });
  } catch {
    return [];
  }
  if (kind === 'server') return ((await withTimeout(api.listServers({}))) ?? []).map((server) => server.name);
  return ((await withTimeout(api.listProfiles({}))) ?? []).map((profile) => profile.name);
}

/**
 * The candidates for the last of `words` (what follows `mcpctl` on the command line): verbs and
 * flags from the command tree, an option's choices, and server and profile names from a running
 * daemon. Never fails: anything unexpected is no candidates.
 */
export async function completeWords(program: CommandUnknownOpts, words: string[], ctx: CliContext): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  let command = program;
  const positionals: string[] = [];
  let pending: Option | undefined;
  for (const word of before) {
    if (pending) {
      pending = undefined;
      continue;
    }
    if (word.startsWith('-')) {
      const option = findOption(command, word);
      if (option && takesValue(option) && !word.includes('=')) pending = option;
      continue;
    }
    const sub = positionals.length === 0 ? findSub(command, word) : undefined;
    if (sub) command = sub;
    else positionals.push(word);
  }

  let candidates: string[] = [];
  if (pending) {
    if (pending.argChoices) candidates = pending.argChoices;
    else if (pending.long === '--profile') candidates = await namesOf('profile', ctx);
    else if (pending.long === '--server') candidates = await namesOf('server', ctx);
  } else if (current.startsWith('-')) {
    candidates = [...optionsInScope(command).flatMap((option) => (option.long ? [option.long] : [])), '--help'];
  } else {
    candidates = positionals.length === 0 ? visibleCommands(command).map((sub) => sub.name()) : [];
    const args = command.registeredArguments;
    const last = args.at(-1);
    const arg = args[positionals.length] ?? (last?.variadic ? last : undefined);
    if (arg) {
      const kind = argumentKind(command, arg.name(), positionals.length, before);
      if (arg.argChoices) candidates.push(...arg.argChoices);
      else if (kind) candidates.push(...(await namesOf(kind, ctx)));
    }
  }
  return [...new Set(candidates)].filter((candidate) => candidate.startsWith(current)).sort();
}
