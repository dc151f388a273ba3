import type { MetricsSnapshot } from '../../core/api.js';
import { formatDuration } from '../../shared/duration.js';
import type { Palette } from './colors.js';
import { colorState } from './states.js';
import { renderTable } from './table.js';

const EMPTY = '-';

type ServerFigures = MetricsSnapshot['servers'][number];

/** `512B`, `3.4KiB`, `71.3MiB`, `1.2GiB`. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return EMPTY;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(1)}${units[unit]}`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return EMPTY;
  return ms < 10 ? `${ms.toFixed(2)}ms` : ms < 1000 ? `${ms.toFixed(0)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

export function formatRate(perSecond: number): string {
  return perSecond === 0 ? '0' : perSecond < 10 ? perSecond.toFixed(2) : perSecond.toFixed(0);
}

function formatUptime(seconds: number | null): string {
  if (seconds === null) return EMPTY;
  return seconds < 60 ? `${seconds}s` : formatDuration(seconds * 1000);
}

function totalCalls(server: ServerFigures): number {
  return server.calls.ok + server.calls.tool_error + server.calls.rpc_error;
}

export interface MetricsTableOptions {
  headers: boolean;
  palette: Palette;
}

const SERVER_COLUMNS = [
  'SERVER',
  'STATE',
  'UPTIME',
  'RESTARTS',
  'CPU',
  'MEMORY',
  'SESSIONS',
  'CALLS',
  'CALLS/S',
  'ERRORS/1M',
  'P50',
  'P95',
];

/** `metrics`: one row per server; rates, errors and percentiles over the last minute, CALLS since the daemon started. */
export function renderServerMetrics(snapshot: MetricsSnapshot, options: MetricsTableOptions): string {
  const { palette } = options;
  const rows = snapshot.servers.map((server) => [
    server.name,
    colorState(server.state, palette),
    formatUptime(server.uptimeSeconds),
    String(server.restarts),
    server.cpuSeconds === null ? EMPTY : `${server.cpuSeconds.toFixed(2)}s`,
    formatBytes(server.rssBytes),
    String(server.sessions),
    String(totalCalls(server)),
    formatRate(server.window.callsPerSecond),
    server.window.errors > 0 ? palette.red(String(server.window.errors)) : '0',
    formatMs(server.window.p50Ms),
    formatMs(server.window.p95Ms),
  ]);
  return renderTable(SERVER_COLUMNS, rows, { headers: options.headers });
}

const TOOL_COLUMNS = ['TOOL', 'OK', 'TOOL-ERRORS', 'RPC-ERRORS', 'CALLS/S', 'ERRORS/1M', 'P50', 'P95'];

/** `metrics SERVER`: its tools, each with its outcomes since start and its last minute. */
export function renderToolMetrics(server: ServerFigures, options: MetricsTableOptions): string {
  const rows = server.tools.map((tool) => [
    tool.tool,
    String(tool.calls.ok),
    String(tool.calls.tool_error),
    String(tool.calls.rpc_error),
    formatRate(tool.window.callsPerSecond),
    String(tool.window.errors),
    formatMs(tool.window.p50Ms),
    formatMs(tool.window.p95Ms),
  ]);
  return renderTable(TOOL_COLUMNS, rows, { headers: options.headers });
}

/** The gateway's totals, one line: what `/metrics` has beside the servers. */
export function renderGatewayLine(snapshot: MetricsSnapshot): string {
  const { gateway } = snapshot;
  const sessions = gateway.sessions.reduce((sum, entry) => sum + entry.count, 0);
  const refused = Object.entries(gateway.rejected)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${count}`);
  const forwarded = Object.values(gateway.forwarded).reduce((sum, count) => sum + count, 0);
  return (
    `gateway: ${sessions} sessions, messages ${gateway.messagesIn} in / ${gateway.messagesOut} out, ` +
    `${formatBytes(gateway.bytesIn)} in / ${formatBytes(gateway.bytesOut)} out, ` +
    `refused ${refused.length === 0 ? '0' : refused.join(', ')}` +
    (forwarded > 0 ? `, forwarded to other nodes ${forwarded}` : '')
  );
}
