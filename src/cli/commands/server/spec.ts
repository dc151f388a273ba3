import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSeverity } from '../../../core/logs/severity.js';
import {
  MAX_REPLICAS,
  type PolicyInput,
  RESTART_MODES,
  type ServerSpecInput,
  SHARE_MODES,
} from '../../../core/servers/definition.js';
import type { ServerPatch } from '../../../core/servers/patch.js';
import { McpctlError } from '../../../shared/errors.js';
import {
  parseChoice,
  parseDurationFlag,
  parseHeader,
  parseIntegerFlag,
  parseKeyValue,
  parseSizeFlag,
} from '../../flags.js';

/** `server add` flags as commander hands them over: strings, repeatable ones as arrays. */
export interface AddFlags {
  env: string[];
  cwd?: string;
  url?: string;
  header: string[];
  label: string[];
  autostart: boolean;
  restart?: string;
  maxRestarts?: string;
  healthRetries?: string;
  startTimeout?: string;
  healthInterval?: string;
  healthTimeout?: string;
  backoffInitial?: string;
  backoffMax?: string;
  restartWindow?: string;
  stableAfter?: string;
  stopGrace?: string;
  share?: string;
  pool?: string;
  maxSessions?: string;
  /** Repeatable; commander gives [] when absent. */
  root?: string[];
  requestTimeout?: string;
  /** `512M`: a stdio server's process tree over it is restarted. */
  maxMemory?: string;
  /** An http server may be at a private, link-local or metadata address. */
  allowPrivate?: boolean;
  logLevel?: string;
  debugPayloads?: boolean;
  /** `N` or `all`: on how many nodes of a cluster it runs. */
  replicas?: string;
}

/** The flags `server add` and `server set` share. */
type DefinitionFlags = Omit<AddFlags, 'autostart'>;

type DurationFlag =
  | 'startTimeout'
  | 'healthInterval'
  | 'healthTimeout'
  | 'backoffInitial'
  | 'backoffMax'
  | 'restartWindow'
  | 'stableAfter'
  | 'stopGrace'
  | 'requestTimeout';

const DAY_MS = 86_400_000;

type DurationField = Extract<keyof PolicyInput, `${string}Ms`>;

/** Duration flags → policy fields (ms), with the bounds policySchema enforces. */
const DURATION_FLAGS: readonly (readonly [DurationFlag, string, DurationField, number])[] = [
  ['startTimeout', '--start-timeout', 'startTimeoutMs', 1],
  ['healthInterval', '--health-interval', 'healthIntervalMs', 1],
  ['healthTimeout', '--health-timeout', 'healthTimeoutMs', 1],
  ['backoffInitial', '--backoff-initial', 'backoffInitialMs', 1],
  ['backoffMax', '--backoff-max', 'backoffMaxMs', 1],
  ['restartWindow', '--restart-window', 'restartWindowMs', 1],
  ['stableAfter', '--stable-after', 'stableAfterMs', 0],
  ['stopGrace', '--stop-grace', 'stopGraceMs', 0],
  ['requestTimeout', '--request-timeout', 'requestTimeoutMs', 1],
];

const USAGE = 'mcpctl server add NAME -- COMMAND [ARGS...]';
/** POSIX environment names; checked here because zod reports a bad record key only as "Invalid key". */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parseEnv(value: string): [string, string] {
  const [key, item] = parseKeyValue('--env', value);
  if (!ENV_NAME.test(key)) {
    throw usage(`invalid --env '${value}': the name must match [A-Za-z_][A-Za-z0-9_]*`, 'write it as --env NAME=VALUE');
  }
  return [key, item];
}

/** `--replicas N|all`: checked here (no zod in the CLI's light path); the daemon validates it again. */
function parseReplicas(value: string): number | 'all' {
  if (value.trim() === 'all') return 'all';
  try {
    return parseIntegerFlag('--replicas', value, 1, MAX_REPLICAS);
  } catch {
    throw usage(
      `invalid --replicas '${value}': must be an integer from 1 to ${MAX_REPLICAS}, or all`,
      'e.g. --replicas 2 (two nodes run it) or --replicas all (every node)',
    );
  }
}

function usage(message: string, hint: string): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', message, { hint });
}

function pairs(
  flag: string,
  values: readonly string[],
  parse: (value: string) => [string, string],
): Record<string, string> {
  const record: Record<string, string> = {};
  for (const value of values) {
    const [key, item] = parse(value);
    if (Object.hasOwn(record, key)) throw usage(`${flag} '${key}' is given twice`, `keep one ${flag} per key`);
    record[key] = item;
  }
  return record;
}

function buildPolicy(flags: DefinitionFlags): PolicyInput {
  const policy: PolicyInput = {};
  if (flags.restart !== undefined) policy.restart = parseChoice('--restart', flags.restart, RESTART_MODES);
  if (flags.maxRestarts !== undefined)
    policy.maxRestarts = parseIntegerFlag('--max-restarts', flags.maxRestarts, 0, 1000);
  if (flags.healthRetries !== undefined) {
    policy.healthRetries = parseIntegerFlag('--health-retries', flags.healthRetries, 1, 100);
  }
  for (const [key, flag, field, min] of DURATION_FLAGS) {
    const value = flags[key];
    if (value !== undefined) policy[field] = parseDurationFlag(flag, value, { min, max: DAY_MS });
  }
  if (flags.maxMemory !== undefined) policy.maxMemoryBytes = parseSizeFlag('--max-memory', flags.maxMemory);
  return policy;
}

interface Sharing {
  share?: 'shared' | 'isolated';
  pool?: number;
  maxSessions?: number;
  roots?: string[];
}

/**
 * `--root DIR`s as absolute paths, each an existing directory: checked here, on the caller's
 * machine and against the caller's directory, because a typo would otherwise surface only as a
 * server that can read nothing.
 */
function parseRoots(values: readonly string[], cwd: string): string[] {
  const roots: string[] = [];
  for (const value of values) {
    const path = resolve(cwd, value);
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw usage(`--root ${value}: ${path} does not exist`, 'give a directory that exists, e.g. --root ~/projects');
    }
    if (!isDirectory) throw usage(`--root ${value}: ${path} is not a directory`, 'give a directory, not a file');
    if (!roots.includes(path)) roots.push(path);
  }
  return roots;
}

/** --share, --pool and --max-sessions as given (`server set` merges them into what is there). */
function parseSharing(flags: DefinitionFlags): Sharing {
  const sharing: Sharing = {};
  if (flags.share !== undefined) sharing.share = parseChoice('--share', flags.share, SHARE_MODES);
  if (flags.pool !== undefined) sharing.pool = parseIntegerFlag('--pool', flags.pool, 0, 64);
  if (flags.maxSessions !== undefined)
    sharing.maxSessions = parseIntegerFlag('--max-sessions', flags.maxSessions, 1, 10_000);
  return sharing;
}

function buildSharing(flags: AddFlags, cwd: string): Sharing {
  const sharing = parseSharing(flags);
  if (sharing.share !== 'isolated' && (sharing.pool !== undefined || sharing.maxSessions !== undefined)) {
    throw usage('--pool and --max-sessions apply to --share isolated', 'add --share isolated, or drop them');
  }
  const roots = flags.root ?? [];
  if (roots.length > 0) {
    if (sharing.share === 'isolated') {
      throw usage(
        "--root applies to shared servers: in isolated mode each session's own client gives its roots",
        'drop --root, or drop --share isolated',
      );
    }
    sharing.roots = parseRoots(roots, cwd);
  }
  return sharing;
}

/**
 * Turns `server add` flags into the spec the daemon stores. No daemon, no zod (only `--root` looks at
 * the file system). The server's argv is kept as an array (never a shell string), and a relative
 * `--cwd` or `--root` is made absolute against the caller's directory, because the daemon runs elsewhere.
 */
export function buildServerSpec(
  name: string,
  command: readonly string[],
  flags: AddFlags,
  cwd: string,
): ServerSpecInput {
  const common = {
    name,
    autostart: flags.autostart,
    labels: pairs('--label', flags.label, (value) => parseKeyValue('--label', value)),
    policy: buildPolicy(flags),
    ...(flags.logLevel === undefined ? {} : { logLevel: parseSeverity('--log-level', flags.logLevel) }),
    ...(flags.debugPayloads === true ? { debugPayloads: true as const } : {}),
    ...(flags.replicas === undefined ? {} : { replicas: parseReplicas(flags.replicas) }),
  };
  if (flags.url !== undefined) {
    if (command.length > 0) {
      throw usage(
        `give either --url or a command, not both (got --url ${flags.url} and '${command.join(' ')}')`,
        `for a remote server: mcpctl server add NAME --url URL; for a local one: ${USAGE}`,
      );
    }
    if (
      flags.env.length > 0 ||
      flags.cwd !== undefined ||
      flags.share !== undefined ||
      flags.pool !== undefined ||
      flags.maxSessions !== undefined ||
      flags.maxMemory !== undefined
    ) {
      throw usage(
        '--env, --cwd, --share, --pool, --max-sessions and --max-memory apply to stdio servers (a command), not to --url',
        'use --header for an http server',
      );
    }
    if ((flags.root ?? []).length > 0) {
      throw usage('--root applies to stdio servers (a command), not to --url', 'drop --root for an http server');
    }
    if (!URL.canParse(flags.url)) {
      throw usage(
        `invalid --url '${flags.url}': not a URL`,
        'give the whole address, e.g. --url https://example.com/mcp',
      );
    }
    return {
      ...common,
      transport: 'http',
      url: flags.url,
      headers: pairs('--header', flags.header, parseHeader),
      ...(flags.allowPrivate === true ? { allowPrivate: true } : {}),
    };
  }
  const [program, ...args] = command;
  if (program === undefined || program === '') {
    throw usage(`a command is required: ${USAGE}`, 'or give a remote server with: mcpctl server add NAME --url URL');
  }
  if (flags.header.length > 0)
    throw usage('--header applies to --url servers, not to a command', 'use --env for a stdio server');
  if (flags.allowPrivate === true)
    throw usage('--allow-private applies to --url servers, not to a command', 'drop --allow-private');
  return {
    ...common,
    transport: 'stdio',
    command: program,
    args,
    env: pairs('--env', flags.env, parseEnv),
    ...(flags.cwd === undefined ? {} : { cwd: resolve(cwd, flags.cwd) }),
    ...buildSharing(flags, cwd),
  };
}

/** `server set` flags: those of `server add` (`autostart` only when given), and what removes an entry. */
export interface SetFlags extends DefinitionFlags {
  autostart?: boolean;
  unsetEnv: string[];
  unsetHeader: string[];
  unsetLabel: string[];
  unsetRoot: string[];
  unsetLogLevel?: true;
}

function names(flag: string, values: readonly string[], pattern: RegExp | undefined): string[] {
  for (const value of values) {
    if (value === '' || (pattern !== undefined && !pattern.test(value))) {
      throw usage(`invalid ${flag} '${value}'`, `give the name alone, e.g. ${flag} NAME`);
    }
  }
  return [...values];
}

/**
 * Turns `server set` flags into what changes of the definition, with the very parsers of `server add`:
 * only flags that were given are in it; `-- COMMAND [ARGS...]` replaces the command and its args.
 * Which flags fit the server (stdio or http) the daemon checks against the stored definition.
 */
export function buildServerPatch(command: readonly string[], flags: SetFlags, cwd: string): ServerPatch {
  const patch: ServerPatch = {};
  const [program, ...args] = command;
  if (program !== undefined) {
    if (program === '') throw usage('the command is empty', 'give it after --: mcpctl server set NAME -- COMMAND');
    patch.command = program;
    patch.args = args;
  }
  if (flags.env.length > 0) patch.env = pairs('--env', flags.env, parseEnv);
  if (flags.unsetEnv.length > 0) patch.unsetEnv = names('--unset-env', flags.unsetEnv, ENV_NAME);
  if (flags.cwd !== undefined) patch.cwd = resolve(cwd, flags.cwd);
  if (flags.url !== undefined) {
    if (!URL.canParse(flags.url)) {
      throw usage(
        `invalid --url '${flags.url}': not a URL`,
        'give the whole address, e.g. --url https://example.com/mcp',
      );
    }
    patch.url = flags.url;
  }
  if (flags.header.length > 0) patch.headers = pairs('--header', flags.header, parseHeader);
  if (flags.allowPrivate !== undefined) patch.allowPrivate = flags.allowPrivate;
  if (flags.unsetHeader.length > 0) patch.unsetHeaders = names('--unset-header', flags.unsetHeader, undefined);
  if (flags.label.length > 0) patch.labels = pairs('--label', flags.label, (value) => parseKeyValue('--label', value));
  if (flags.unsetLabel.length > 0) patch.unsetLabels = names('--unset-label', flags.unsetLabel, undefined);
  if (flags.autostart !== undefined) patch.autostart = flags.autostart;
  if (flags.logLevel !== undefined && flags.unsetLogLevel) {
    throw usage(
      'give --log-level or --unset-log-level, not both',
      "--unset-log-level goes back to the daemon's logs.level",
    );
  }
  if (flags.logLevel !== undefined) patch.logLevel = parseSeverity('--log-level', flags.logLevel);
  if (flags.unsetLogLevel) patch.logLevel = null;
  if (flags.debugPayloads !== undefined) patch.debugPayloads = flags.debugPayloads;
  if (flags.replicas !== undefined) patch.replicas = parseReplicas(flags.replicas);
  const policy = buildPolicy(flags);
  if (Object.keys(policy).length > 0) patch.policy = policy;
  Object.assign(patch, parseSharing(flags));
  if ((flags.root ?? []).length > 0) patch.roots = parseRoots(flags.root ?? [], cwd);
  // A root to remove need not exist any more: only made absolute.
  if (flags.unsetRoot.length > 0) patch.unsetRoots = flags.unsetRoot.map((root) => resolve(cwd, root));
  return patch;
}
