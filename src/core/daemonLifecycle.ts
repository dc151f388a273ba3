import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { errorFromAnswer } from '../daemon/ipc/clientErrors.js';
import { getJson, postJson } from '../daemon/ipc/controlClient.js';
import { isProcessAlive, readProcessStartTime } from '../daemon/process/procfs.js';
import { spawnDetachedDaemon } from '../daemon/service/detach.js';
import { readPidFile } from '../daemon/service/pidLock.js';
import { McpctlError } from '../shared/errors.js';
import type { Paths } from '../shared/paths.js';
import { API_VERSION } from './apiNames.js';
import { recordedDaemonFailure } from './daemonLogFile.js';

/** How `mcpctl` runs itself: `process.execPath` and the script (or nothing for a single binary). */
export interface SelfCommand {
  execPath: string;
  args: string[];
}

/** The daemon's command line, as `daemon start` spawns it and the service units run it. */
export function daemonRunCommand(self: SelfCommand): [string, ...string[]] {
  return [self.execPath, ...self.args, 'daemon', 'run'];
}

export interface StartResult {
  pid: number;
  socket: string;
  alreadyRunning: boolean;
}

const POLL_MS = 25;
const DEFAULT_TIMEOUT_MS = 10_000;
const HEALTH_TIMEOUT_MS = 2000;
const TAIL_LINES = 15;

/** Where a detached daemon's stdout and stderr go: what it printed before its logger was up. */
export function daemonStdioFile(paths: Paths): string {
  return join(paths.logsDir, 'daemon.stdio.log');
}

/** The daemon's pid when it answers `GET /v1/health`; undefined when nothing (or nothing in time) answers. */
export async function isDaemonAnswering(
  socket: string,
  timeoutMs = HEALTH_TIMEOUT_MS,
): Promise<{ pid: number } | undefined> {
  try {
    const answer = await getJson(socket, `/${API_VERSION}/health`, { timeoutMs });
    const pid = (answer.body as { pid?: unknown } | null)?.pid;
    return answer.status === 200 && typeof pid === 'number' ? { pid } : undefined;
  } catch (error) {
    if (error instanceof McpctlError && (error.code === 'DAEMON_UNREACHABLE' || error.code === 'TIMEOUT'))
      return undefined;
    throw error;
  }
}

/** Starts `<self> daemon run` in the background unless a daemon answers already; resolves once it answers. */
export async function startDaemon(options: {
  paths: Paths;
  self: SelfCommand;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<StartResult> {
  const { paths } = options;
  const socket = paths.socket;
  const running = await isDaemonAnswering(socket);
  if (running) return { pid: running.pid, socket, alreadyRunning: true };

  const stdioFile = daemonStdioFile(paths);
  const outputStart = fileSize(stdioFile);
  const [execPath, ...args] = daemonRunCommand(options.self);
  const pid = spawnDetachedDaemon({
    execPath,
    args,
    env: options.env ?? process.env,
    stdioFile,
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let waitingForOther = false;
  while (Date.now() < deadline) {
    const health = await isDaemonAnswering(socket, Math.max(1, Math.min(HEALTH_TIMEOUT_MS, deadline - Date.now())));
    if (health) {
      // Another CLI's daemon won the race. Ours would lose the pid lock, unless that daemon were
      // stopped before ours got that far: then it would take over a home its user just stopped.
      if (health.pid !== pid) endQuietly(pid);
      return { pid: health.pid, socket, alreadyRunning: health.pid !== pid };
    }
    if (!waitingForOther && !isProcessAlive(pid)) {
      // Another CLI may have started a daemon at the same moment: ours lost the pid lock
      // and exited, theirs is about to answer. Anything else is a failed start.
      const holder = readPidFile(paths.pidFile);
      if (!holder || holder.pid === pid || !isProcessAlive(holder.pid, holder.startTime)) {
        throw startFailed(pid, stdioFile, outputStart, recordedDaemonFailure(paths, pid));
      }
      waitingForOther = true;
    }
    await delay(POLL_MS);
  }
  throw new McpctlError('TIMEOUT', `the daemon (pid ${pid}) did not answer on ${socket} within ${timeoutMs} ms`, {
    hint: `check ${stdioFile} and 'mcpctl daemon logs'; if it hangs, end it with 'kill ${pid}'`,
  });
}

/** Asks the daemon to stop and waits until its process is gone and its socket is silent. */
export async function stopDaemon(options: {
  paths: Paths;
  timeoutMs?: number;
}): Promise<{ pid: number } | { wasRunning: false }> {
  const { paths } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const health = await isDaemonAnswering(paths.socket);
  if (!health) {
    const holder = readPidFile(paths.pidFile);
    if (holder && isProcessAlive(holder.pid, holder.startTime)) {
      throw new McpctlError('TIMEOUT', `the daemon (pid ${holder.pid}) runs but does not answer on ${paths.socket}`, {
        hint: `check 'mcpctl daemon logs'; end it with 'kill ${holder.pid}'`,
      });
    }
    return { wasRunning: false };
  }
  const pid = health.pid;
  const record = readPidFile(paths.pidFile);
  const startTime = record?.pid === pid ? record.startTime : readProcessStartTime(pid);
  // The daemon first lets requests in flight finish (up to its drain timeout), then stops its servers.
  let drainMs = 0;
  try {
    const answer = await postJson(paths.socket, `/${API_VERSION}/daemonStop`, {}, { timeoutMs });
    if (answer.status < 200 || answer.status >= 300) throw errorFromAnswer(answer.status, answer.body);
    const drain = (answer.body as { drainTimeoutMs?: unknown } | null)?.drainTimeoutMs;
    if (typeof drain === 'number' && drain > 0) drainMs = drain;
  } catch (error) {
    // A daemon may close the connection on its way out before the answer is flushed.
    if (!(error instanceof McpctlError && error.code === 'DAEMON_UNREACHABLE')) throw error;
  }
  const deadline = Date.now() + drainMs + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid, startTime) && !(await isDaemonAnswering(paths.socket, HEALTH_TIMEOUT_MS))) return { pid };
    await delay(POLL_MS);
  }
  throw new McpctlError('TIMEOUT', `the daemon (pid ${pid}) did not stop within ${drainMs + timeoutMs} ms`, {
    hint: `it may still be stopping servers: check 'mcpctl daemon logs'; if it hangs, end it with 'kill ${pid}'`,
  });
}

/** SIGTERM to our own just-spawned child; it may have exited already. */
function endQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // gone already
  }
}

/**
 * The error of a daemon that exited while starting. When it recorded why (daemon.log), that error
 * with its own code and hint (exit 3 for a bad config.yaml, as `daemon run` exits); else its output.
 */
function startFailed(pid: number, stdioFile: string, from: number, recorded: McpctlError | undefined): McpctlError {
  if (recorded) {
    return new McpctlError(recorded.code, `the daemon could not start: ${recorded.message}`, {
      hint: `${recorded.hint === undefined ? '' : `${recorded.hint}; `}the whole story: 'mcpctl daemon logs'`,
    });
  }
  const output = readTail(stdioFile, from);
  const what =
    output === ''
      ? `the daemon (pid ${pid}) exited while starting, without output`
      : `the daemon (pid ${pid}) exited while starting:\n${output}`;
  return new McpctlError('INTERNAL', what, {
    hint: `check 'mcpctl daemon logs' and ${stdioFile}; 'mcpctl daemon run' shows the problem in the foreground`,
  });
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The last lines written to `path` after byte `from` (what this start printed), indented. */
function readTail(path: string, from: number): string {
  const maxBytes = 16 * 1024;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fileSize(path);
    const start = Math.max(from, size - maxBytes);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    return lines
      .slice(-TAIL_LINES)
      .map((line) => `  ${line}`)
      .join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
