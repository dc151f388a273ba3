import type { MetricsSnapshot, SessionView } from '../../core/api.js';
import type { Palette } from './colors.js';
import { formatBytes, formatMs, formatRate, renderGatewayLine } from './metrics.js';
import { formatClient } from './sessions.js';
import { colorState } from './states.js';
import { renderTable } from './table.js';

const EMPTY = '-';

/** The columns `top` sorts by, each with its key. */
export const SORT_KEYS = {
  n: 'name',
  s: 'state',
  c: 'cpu',
  m: 'memory',
  r: 'calls/s',
  p: 'p95',
  e: 'errors',
  o: 'sessions',
} as const;
export type SortKey = keyof typeof SORT_KEYS;

export interface Sort {
  key: SortKey;
  descending: boolean;
}

export interface TopFrame {
  snapshot: MetricsSnapshot;
  sessions: SessionView[];
  /** CPU use of each server since the previous frame, in percent of one core; absent on the first. */
  cpuPercent: ReadonlyMap<string, number>;
  sort: Sort;
  time: Date;
}

type Server = MetricsSnapshot['servers'][number];

function sortValue(server: Server, key: SortKey, cpu: ReadonlyMap<string, number>): number | string {
  switch (key) {
    case 'n':
      return server.name;
    case 's':
      return server.state;
    case 'c':
      return cpu.get(server.name) ?? -1;
    case 'm':
      return server.rssBytes ?? -1;
    case 'r':
      return server.window.callsPerSecond;
    case 'p':
      return server.window.p95Ms ?? -1;
    case 'e':
      return server.window.errors;
    case 'o':
      return server.sessions;
  }
}

/** Servers in the frame's order; ties by name so rows do not jump between refreshes. */
export function sortServers(servers: readonly Server[], sort: Sort, cpu: ReadonlyMap<string, number>): Server[] {
  const sign = sort.descending ? -1 : 1;
  return [...servers].sort((a, b) => {
    const x = sortValue(a, sort.key, cpu);
    const y = sortValue(b, sort.key, cpu);
    const order = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    return order !== 0 ? sign * order : a.name.localeCompare(b.name);
  });
}

/** Pressing a column's key sorts by it; pressing it again reverses. Numbers start largest first. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: key !== 'n' && key !== 's' };
}

const SERVER_COLUMNS: Record<SortKey, string> = {
  n: 'SERVER',
  s: 'STATE',
  c: 'CPU',
  m: 'MEMORY',
  r: 'CALLS/S',
  p: 'P95',
  e: 'ERRORS/1M',
  o: 'SESSIONS',
};
const COLUMN_ORDER: SortKey[] = ['n', 's', 'c', 'm', 'r', 'p', 'e', 'o'];

/** The whole screen as text: a title, the servers, the sessions, and (interactive only) the keys. */
export function renderTopFrame(frame: TopFrame, palette: Palette, interactive: boolean): string {
  const { snapshot, sort } = frame;
  const title = `mcpctl top - ${snapshot.servers.length} servers, ${frame.sessions.length} sessions - ${frame.time.toLocaleTimeString()}`;
  const columns = COLUMN_ORDER.map((key) => {
    const name = SERVER_COLUMNS[key];
    return key === sort.key ? `${name}${sort.descending ? 'v' : '^'}` : name;
  });
  const rows = sortServers(snapshot.servers, sort, frame.cpuPercent).map((server) => {
    const cpu = frame.cpuPercent.get(server.name);
    return [
      server.name,
      colorState(server.state, palette),
      cpu === undefined ? EMPTY : `${cpu.toFixed(1)}%`,
      formatBytes(server.rssBytes),
      formatRate(server.window.callsPerSecond),
      formatMs(server.window.p95Ms),
      server.window.errors > 0 ? palette.red(String(server.window.errors)) : '0',
      String(server.sessions),
    ];
  });
  const sessionRows = frame.sessions.map((session) => [
    session.id.length > 12 ? `${session.id.slice(0, 12)}…` : session.id,
    session.server,
    session.transport,
    formatClient(session),
    String(session.requests),
    String(session.errors),
  ]);
  const parts = [
    palette.bold(title),
    renderGatewayLine(snapshot),
    '',
    snapshot.servers.length === 0 ? 'No servers.' : renderTable(columns, rows, { headers: true }).trimEnd(),
    '',
    sessionRows.length === 0
      ? palette.dim('No open sessions.')
      : renderTable(['SESSION', 'TARGET', 'TRANSPORT', 'CLIENT', 'REQUESTS', 'ERRORS'], sessionRows, {
          headers: true,
        }).trimEnd(),
  ];
  if (interactive) {
    const keys = COLUMN_ORDER.map((key) => `${key} ${SORT_KEYS[key]}`).join('  ');
    parts.push('', palette.dim(`sort: ${keys} (again: reverse)   q quit`));
  }
  return parts.join('\n');
}
