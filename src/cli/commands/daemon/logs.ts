import type { LogLine } from '../../../core/api.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { daemonLogRecord, formatDaemonRecord } from '../../output/daemonLogLines.js';
import { type LogFlags, logQuery, parseLogFlags, printLogLines } from '../logs/printLogs.js';

/**
 * The daemon's own log: time, level, message and fields per line (`-o json`: the logged objects).
 * It never starts the daemon: with none running (a failed start sends the user here), the log
 * is read from its files (the local daemon's only).
 */
export async function daemonLogs(inv: Invocation, flags: LogFlags): Promise<void> {
  const request = parseLogFlags(flags, Date.now());
  const write = async (line: LogLine): Promise<void> => {
    const record = daemonLogRecord(line);
    if (inv.out.machine) await inv.out.item(record);
    else inv.out.out(formatDaemonRecord(record));
  };
  const api = await inv.api({ autostart: false });
  try {
    await printLogLines(inv, api, undefined, request, write);
  } catch (error) {
    if (!(error instanceof McpctlError && error.code === 'DAEMON_UNREACHABLE')) throw error;
    // A remote context's log files are on its host: this machine's would be another daemon's.
    if ((await inv.remote()) !== undefined) throw error;
    const { readDaemonLogFile } = await import('../../../core/daemonLogFile.js');
    const { daemonLog } = inv.ctx.paths;
    inv.out.note(
      `the daemon is not running; its log file ${daemonLog}${request.follow ? ' (nothing to follow)' : ''}:`,
    );
    for (const line of readDaemonLogFile(inv.ctx.paths, logQuery(undefined, request))) await write(line);
  }
}
