import { closeSync, linkSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { McpctlError } from '../../shared/errors.js';
import { isProcessAlive, readProcessStartTime } from '../process/procfs.js';
import { unlinkQuietly } from './files.js';

export interface PidRecord {
  pid: number;
  /** Kernel start time of `pid` (procfs field 22), so a reused pid is not mistaken for us; null off Linux. */
  startTime: string | null;
}

export interface PidLock {
  /** Removes the pid file if it still names this process. Idempotent. */
  release(): void;
}

/**
 * One daemon per home: the pid file exists only while a daemon holds it. It appears
 * complete or not at all (written to a private temp file, then hard-linked into place,
 * which fails if the name exists), so a reader never sees a half-written file and
 * mistakes a starting daemon for a crashed one. A file naming a dead process, or a pid
 * now used by another program, is a crashed daemon's: it is removed and taken once.
 */
export function acquirePidLock(pidFile: string): PidLock {
  mkdirSync(dirname(pidFile), { recursive: true, mode: 0o700 });
  const mine: PidRecord = { pid: process.pid, startTime: readProcessStartTime(process.pid) };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(pidFile, mine)) return { release: () => releaseIfMine(pidFile, mine) };
    const holder = readPidFile(pidFile);
    if (holder && isProcessAlive(holder.pid, holder.startTime)) {
      throw new McpctlError('DAEMON_RUNNING', `a daemon is already running for this home (pid ${holder.pid})`, {
        hint: "use it, or stop it with 'mcpctl daemon stop'; 'mcpctl daemon status' shows it",
      });
    }
    unlinkQuietly(pidFile);
  }
  throw new McpctlError('DAEMON_RUNNING', `another daemon took the pid file ${pidFile} while this one started`, {
    hint: "run 'mcpctl daemon status' to see which one runs",
  });
}

/** The pid file's record; undefined when missing or unreadable (a crash mid-write cannot leave one, see above). */
export function readPidFile(pidFile: string): PidRecord | undefined {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, startTime } = value as { pid?: unknown; startTime?: unknown };
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
    return { pid, startTime: typeof startTime === 'string' ? startTime : null };
  } catch {
    return undefined;
  }
}

function tryCreate(pidFile: string, record: PidRecord): boolean {
  const temp = `${pidFile}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, pidFile);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(temp);
  }
}

function releaseIfMine(pidFile: string, mine: PidRecord): void {
  const current = readPidFile(pidFile);
  if (current && current.pid === mine.pid && current.startTime === mine.startTime) unlinkQuietly(pidFile);
}
