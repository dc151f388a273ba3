import type { ControlApi, LogLine, LogQuery } from '../../../core/api.js';
import { parseSeverity, type Severity } from '../../../core/logs/severity.js';
import { McpctlError } from '../../../shared/errors.js';
import { parseIntegerFlag, parseSinceFlag } from '../../flags.js';
import type { Invocation } from '../../invocation.js';
import { formatLogLine } from '../../output/logLines.js';

/** `logs` flags as commander hands them over. */
export interface LogFlags {
  follow?: true;
  tail?: string;
  since?: string;
  timestamps?: true;
  level?: string;
  grep?: string;
}

export interface LogRequest {
  tail: number | undefined;
  since: string | undefined;
  follow: boolean;
  timestamps: boolean;
  level: Severity | undefined;
  grep: string | undefined;
}

/** With -f, start from the last 100 lines (as `tail -f` starts from its last 10) unless told otherwise. */
const FOLLOW_TAIL = 100;
const MAX_TAIL = 100_000;

export function parseLogFlags(flags: LogFlags, now: number): LogRequest {
  const follow = flags.follow === true;
  const tail =
    flags.tail === undefined ? (follow ? FOLLOW_TAIL : undefined) : parseIntegerFlag('--tail', flags.tail, 0, MAX_TAIL);
  const since = flags.since === undefined ? undefined : parseSinceFlag(flags.since, now);
  const level = flags.level === undefined ? undefined : parseSeverity('--level', flags.level);
  if (flags.grep === '') {
    throw new McpctlError('INVALID_ARGUMENT', '--grep needs some text', {
      hint: 'give what the lines must contain, e.g. --grep timeout',
    });
  }
  return { tail, since, follow, timestamps: flags.timestamps === true, level, grep: flags.grep };
}

/** The filters of a request, as readLogs and followLogs take them. */
function filters(request: LogRequest): Pick<LogQuery, 'level' | 'grep'> {
  return {
    ...(request.level === undefined ? {} : { level: request.level }),
    ...(request.grep === undefined ? {} : { grep: request.grep }),
  };
}

/** The readLogs query of a request: a server's log, or the daemon's when `name` is undefined. */
export function logQuery(name: string | undefined, request: LogRequest): LogQuery {
  return {
    ...(name === undefined ? {} : { name }),
    ...(request.tail === undefined ? {} : { tail: request.tail }),
    ...(request.since === undefined ? {} : { since: request.since }),
    ...filters(request),
  };
}

/**
 * Prints a server's log, then with -f keeps printing new lines until SIGINT/SIGTERM. Lines the
 * server wrote to stderr go to stdout too: they are the log the user asked for. `-o json` prints
 * one JSON object per line.
 */
export async function printLogs(inv: Invocation, name: string, flags: LogFlags): Promise<void> {
  const request = parseLogFlags(flags, Date.now());
  const write = async (line: LogLine): Promise<void> => {
    if (inv.out.machine) await inv.out.item(line);
    else inv.out.out(formatLogLine(line, request.timestamps));
  };
  await printLogLines(inv, await inv.api(), name, request, write);
}

/** The history the request asks for, then with -f every new line, each through `write`. */
export async function printLogLines(
  inv: Invocation,
  api: ControlApi,
  name: string | undefined,
  request: LogRequest,
  write: (line: LogLine) => Promise<void>,
): Promise<void> {
  const { lines } = await api.readLogs(logQuery(name, request));
  for (const line of lines) await write(line);
  if (!request.follow) return;
  const { signal } = inv.ctx;
  try {
    // tail 0: the history was printed above; from here only new lines.
    const query = { ...(name === undefined ? {} : { name }), tail: 0, ...filters(request) };
    for await (const line of api.followLogs(query, signal)) {
      await write(line);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
