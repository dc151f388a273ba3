import { appendFileSync, mkdirSync } from 'node:fs';
import { readLogLines } from '../daemon/monitor/logReader.js';
import { type ErrorCode, McpctlError } from '../shared/errors.js';
import type { Paths } from '../shared/paths.js';
import type { LogLine } from './api.js';
import { lineFilter, withLevel } from './logs/lineFilter.js';
import type { Severity } from './logs/severity.js';

/**
 * The daemon's log read from its files, for `daemon logs` while no daemon runs (above all after
 * a failed start, when the daemon cannot be asked). Its settings may be what failed, so the
 * rotated files are looked for up to the most `logs.keep` allows; missing ones read as empty.
 */
const MAX_KEEP = 100;

export function readDaemonLogFile(
  paths: Paths,
  query: { tail?: number; since?: string; level?: Severity; grep?: string },
): LogLine[] {
  return readLogLines(paths.daemonLog, {
    tail: query.tail,
    since: query.since === undefined ? undefined : new Date(query.since),
    keep: MAX_KEEP,
    format: 'json',
    filter: lineFilter(query),
  }).map(withLevel);
}

/**
 * Appends why the daemon could not start (or stopped on an error) to daemon.log, in the logger's
 * JSON shape: the error is otherwise only on the stderr of a process nobody watches, and the
 * CLI's own message sends the user to `daemon logs`. The logger is closed (or never opened,
 * when config.yaml is what failed) by now, so the line is written here.
 */
const FAILURE_PREFIX = 'the daemon stopped on an error: ';

/** The error daemon `pid` recorded with recordDaemonFailure, rebuilt, if it is among the log's last lines. */
export function recordedDaemonFailure(paths: Paths, pid: number): McpctlError | undefined {
  for (const line of readLogLines(paths.daemonLog, { tail: 20, keep: 0, format: 'json' }).reverse()) {
    let record: { level?: unknown; pid?: unknown; code?: unknown; msg?: unknown; hint?: unknown };
    try {
      record = JSON.parse(line.text) as typeof record;
    } catch {
      continue;
    }
    if (record.level !== 'fatal' || record.pid !== pid || typeof record.msg !== 'string') continue;
    if (typeof record.code !== 'string' || !record.msg.startsWith(FAILURE_PREFIX)) continue;
    return McpctlError.fromPayload({
      kind: 'system',
      code: record.code as ErrorCode,
      message: record.msg.slice(FAILURE_PREFIX.length),
      ...(typeof record.hint === 'string' ? { hint: record.hint } : {}),
    });
  }
  return undefined;
}

export function recordDaemonFailure(paths: Paths, error: McpctlError): void {
  const line = {
    level: 'fatal',
    time: new Date().toISOString(),
    pid: process.pid,
    code: error.code,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    msg: `${FAILURE_PREFIX}${error.message}`,
  };
  try {
    mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
    appendFileSync(paths.daemonLog, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  } catch {
    // No log to write to (the disk, the permissions): stderr still carries the error.
  }
}
