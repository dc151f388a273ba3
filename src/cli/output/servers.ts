import type { ServerView } from '../../core/api.js';
import { byCodePoint } from '../../shared/compare.js';
import { formatDuration } from '../../shared/duration.js';
import type { Palette } from './colors.js';
import { quoteArgv } from './shellQuote.js';
import { colorState } from './states.js';
import { renderTable } from './table.js';

const COLUMNS = ['NAME', 'TRANSPORT', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'LAST-EXIT', 'NODE'] as const;
const WIDE_COLUMNS = [...COLUMNS, 'COMMAND/URL', 'LABELS', 'PROCESSES'] as const;
const EMPTY = '-';

export function formatUptime(seconds: number | null): string {
  if (seconds === null) return EMPTY;
  return seconds < 60 ? `${seconds}s` : formatDuration(seconds * 1000);
}

/** `1`, `SIGKILL`, or `-` when the server never exited. */
export function formatLastExit(view: Pick<ServerView, 'lastExitCode' | 'lastExitSignal'>): string {
  if (view.lastExitSignal) return view.lastExitSignal;
  return view.lastExitCode === null ? EMPTY : String(view.lastExitCode);
}

/** The last exit as a phrase, for `show`: `killed by SIGKILL`, `exited with code 1`, or `-`. */
export function describeLastExit(view: Pick<ServerView, 'lastExitCode' | 'lastExitSignal'>): string {
  if (view.lastExitSignal) return `killed by ${view.lastExitSignal}`;
  return view.lastExitCode === null ? EMPTY : `exited with code ${view.lastExitCode}`;
}

/** What the server runs: its argv, shell-quoted for reading, or its URL. */
export function formatTarget(view: Pick<ServerView, 'transport' | 'command' | 'args' | 'url'>): string {
  if (view.transport !== 'stdio') return view.url ?? EMPTY;
  return view.command === null ? EMPTY : quoteArgv([view.command, ...view.args]);
}

export function formatPairs(record: Record<string, string>, separator = ','): string {
  const pairs = Object.entries(record).map(([key, value]) => `${key}=${value}`);
  return pairs.length > 0 ? pairs.join(separator) : EMPTY;
}

/** Session ids are shown as docker shows container ids: a prefix, which `session show|kill` take. */
const SHORT_SESSION_ID = 12;

/** Isolated servers' processes: `4242:a1b2c3d4e5f6,4243:warm` (pid, then its session or `warm`). */
export function formatProcesses(processes: ServerView['processes']): string {
  if (processes.length === 0) return EMPTY;
  return processes
    .map(
      ({ pid, sessionId }) => `${pid ?? EMPTY}:${sessionId === null ? 'warm' : sessionId.slice(0, SHORT_SESSION_ID)}`,
    )
    .join(',');
}

/** Where it runs: `node-a`, `node-a,node-b` (one or more nodes of a cluster), or `-`. */
export function formatNodes(nodes: readonly string[]): string {
  return nodes.length === 0 ? EMPTY : nodes.join(',');
}

export interface ServerTableOptions {
  wide: boolean;
  headers: boolean;
  palette: Palette;
}

/** `fs (profile work)`, `fs (profiles a, b)`: the row of an instance serving profiles with env of their own. */
export function instanceRowName(server: string, profiles: readonly string[]): string {
  return `${server} (${profiles.length === 1 ? 'profile' : 'profiles'} ${profiles.join(', ')})`;
}

/**
 * The `server ls` table (pm2 ls / kubectl get): one row per server, sorted by name, each followed
 * by a row per instance it runs for profiles whose members give it env of their own.
 */
export function renderServerTable(views: readonly ServerView[], options: ServerTableOptions): string {
  const sorted = [...views].sort((a, b) => byCodePoint(a.name, b.name));
  const rows = sorted.flatMap((view) => {
    const row = [
      view.name,
      view.transport,
      colorState(view.state, options.palette),
      view.pid === null ? EMPTY : String(view.pid),
      formatUptime(view.uptimeSeconds),
      String(view.restarts),
      formatLastExit(view),
      formatNodes(view.nodes),
    ];
    if (options.wide) row.push(formatTarget(view), formatPairs(view.labels), formatProcesses(view.processes));
    const instances = view.instances.map((instance) => {
      const line = [
        instanceRowName(view.name, instance.profiles),
        view.transport,
        colorState(instance.state, options.palette),
        instance.pid === null ? EMPTY : String(instance.pid),
        formatUptime(instance.uptimeSeconds),
        String(instance.restarts),
        formatLastExit(instance),
        EMPTY,
      ];
      // Its env and key are in `server show` and -o json; the table stays one line per instance.
      if (options.wide) line.push(formatTarget(view), EMPTY, EMPTY);
      return line;
    });
    return [row, ...instances];
  });
  return renderTable(options.wide ? WIDE_COLUMNS : COLUMNS, rows, { headers: options.headers });
}

/** One line per server touched by start/stop/restart: `everything: running (pid 123)`. */
export function formatServerState(view: ServerView, palette: Palette): string {
  const pid = view.pid === null ? '' : ` (pid ${view.pid})`;
  return `${view.name}: ${colorState(view.state, palette)}${pid}`;
}
