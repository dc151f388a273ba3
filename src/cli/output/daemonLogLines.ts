import type { LogLine } from '../../core/api.js';

/** Fields every daemon log line has: shown as the line's time, level and message, not as key=value. */
const SHOWN_APART = new Set(['time', 'level', 'msg', 'pid']);

/** One line of the daemon's JSON log as its object; a line that is not JSON (cut by a crash) as its text. */
export function daemonLogRecord(line: LogLine): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line.text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: fall through
  }
  return { time: line.time, msg: line.text };
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** `2026-01-31T12:00:00.000Z INFO  gateway listening url=http://127.0.0.1:7711`, as a server log reads. */
export function formatDaemonRecord(record: Record<string, unknown>): string {
  const time = typeof record.time === 'string' ? record.time : '-';
  const level = typeof record.level === 'string' ? record.level.toUpperCase() : '-';
  const message = typeof record.msg === 'string' ? record.msg : '';
  const fields = Object.entries(record)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, value]) => ` ${key}=${fieldValue(value)}`)
    .join('');
  return `${time} ${level.padEnd(5)} ${message}${fields}`;
}
