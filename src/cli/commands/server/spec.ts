import { resolve } from 'node:path';
import {
  type PolicyInput,
  RESTART_MODES,
  type ServerSpecInput,
  SHARE_MODES,
} from '../../../core/servers/definition.js';
import { McpctlError } from '../../../shared/errors.js';
import { parseChoice, parseDurationFlag, parseHeader, parseIntegerFlag, parseKeyValue } from '../../flags.js';

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
}

type DurationFlag =
  | 'startTimeout'
  | 'healthInterval'
  | 'healthTimeout'
  | 'backoffInitial'
  | 'backoffMax'
  | 'restartWindow'
  | 'stableAfter'
  | 'stopGrace';

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

function buildPolicy(flags: AddFlags): PolicyInput {
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
  return policy;
}

function buildSharing(flags: AddFlags): { share?: 'shared' | 'isolated'; pool?: number; maxSessions?: number } {
  const sharing: { share?: 'shared' | 'isolated'; pool?: number; maxSessions?: number } = {};
  if (flags.share !== undefined) sharing.share = parseChoice('--share', flags.share, SHARE_MODES);
  if (flags.pool !== undefined) sharing.pool = parseIntegerFlag('--pool', flags.pool, 0, 64);
  if (flags.maxSessions !== undefined)
    sharing.maxSessions = parseIntegerFlag('--max-sessions', flags.maxSessions, 1, 10_000);
  if (sharing.share !== 'isolated' && (sharing.pool !== undefined || sharing.maxSessions !== undefined)) {
    throw usage('--pool and --max-sessions apply to --share isolated', 'add --share isolated, or drop them');
  }
  return sharing;
}

/**
 * Turns `server add` flags into the spec the daemon stores. Pure: no daemon, no zod. The server's
 * argv is kept as an array (never a shell string), and a relative `--cwd` is made absolute against
 * the caller's directory, because the daemon runs elsewhere.
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
      flags.maxSessions !== undefined
    ) {
      throw usage(
        '--env, --cwd, --share, --pool and --max-sessions apply to stdio servers (a command), not to --url',
        'use --header for an http server',
      );
    }
    if (!URL.canParse(flags.url)) {
      throw usage(
        `invalid --url '${flags.url}': not a URL`,
        'give the whole address, e.g. --url https://example.com/mcp',
      );
    }
    return { ...common, transport: 'http', url: flags.url, headers: pairs('--header', flags.header, parseHeader) };
  }
  const [program, ...args] = command;
  if (program === undefined || program === '') {
    throw usage(`a command is required: ${USAGE}`, 'or give a remote server with: mcpctl server add NAME --url URL');
  }
  if (flags.header.length > 0)
    throw usage('--header applies to --url servers, not to a command', 'use --env for a stdio server');
  return {
    ...common,
    transport: 'stdio',
    command: program,
    args,
    env: pairs('--env', flags.env, parseEnv),
    ...(flags.cwd === undefined ? {} : { cwd: resolve(cwd, flags.cwd) }),
    ...buildSharing(flags),
  };
}
