import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * What the daemon needs to know about other processes, read from /proc on Linux.
 * Elsewhere (macOS) there is no /proc: liveness falls back to `kill(pid, 0)`, start
 * times are null and group membership is answered by `kill(-pgid, 0)`.
 */

export interface ProcStat {
  state: string;
  ppid: number;
  pgid: number;
  startTime: string;
  /** utime + stime + cutime + cstime (fields 14-17), in clock ticks. */
  cpuTicks: number;
}

let procfsPresent: boolean | undefined;

/** True when /proc can answer for this machine (Linux). */
export function hasProcfs(): boolean {
  procfsPresent ??= existsSync('/proc/self/stat');
  return procfsPresent;
}

/**
 * Parses /proc/<pid>/stat. Field 2 (comm) is in parentheses and may itself hold
 * spaces and parentheses, so the fixed fields start after the LAST ')'.
 */
export function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const rest = text.slice(close + 2).split(' ');
  const state = rest[0];
  const pgid = Number(rest[2]);
  const ppid = Number(rest[1]);
  const startTime = rest[19];
  const cpuTicks = Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
  if (state === undefined || startTime === undefined || !Number.isInteger(pgid) || !Number.isInteger(ppid)) return null;
  return { state, ppid, pgid, startTime, cpuTicks: Number.isFinite(cpuTicks) ? cpuTicks : 0 };
}

/** A zombie ('Z') or dead ('X') entry has already exited: only its parent's wait is missing. */
function isGone(state: string): boolean {
  return state === 'Z' || state === 'X' || state === 'x';
}

function isValidPid(pid: number): boolean {
  return Number.isInteger(pid) && pid > 0;
}

/** Field 22 of /proc/<pid>/stat (clock ticks since boot); null when unknown or not on Linux. */
export function readProcessStartTime(pid: number): string | null {
  if (!isValidPid(pid) || !hasProcfs()) return null;
  return readStat(pid)?.startTime ?? null;
}

/**
 * Whether `pid` runs and, when `startTime` is given, is the same process that had that
 * start time (a pid reused by another program is not ours).
 */
export function isProcessAlive(pid: number, startTime?: string | null): boolean {
  if (!isValidPid(pid)) return false;
  if (hasProcfs()) {
    const stat = readStat(pid);
    if (stat === null || isGone(stat.state)) return false;
    return startTime == null || stat.startTime === startTime;
  }
  return signalZero(pid);
}

/** The leader's process group id, or null when unknown (no /proc, or no such process). */
export function readProcessGroup(pid: number): number | null {
  if (!isValidPid(pid) || !hasProcfs()) return null;
  return readStat(pid)?.pgid ?? null;
}

/** Live members of process group `pgid` (zombies excluded). Always empty without /proc. */
export function listGroupMembers(pgid: number): number[] {
  if (!isValidPid(pgid) || !hasProcfs()) return [];
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat !== null && stat.pgid === pgid && !isGone(stat.state)) members.push(pid);
  }
  return members;
}

/** Pids of every process /proc lists (empty without /proc). */
export function listProcesses(): number[] {
  if (!hasProcfs()) return [];
  return readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/**
 * The environment `pid` was started with (/proc/<pid>/environ, `NAME=value` entries), or
 * null when unreadable: gone, or another user's (only our own uid may read it).
 */
export function readProcessEnvironment(pid: number): string[] | null {
  if (!isValidPid(pid) || !hasProcfs()) return null;
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

/** Whether any live process is left in group `pgid`. */
export function isGroupAlive(pgid: number): boolean {
  if (!isValidPid(pgid) || pgid === 1) return false;
  if (hasProcfs()) return listGroupMembers(pgid).length > 0;
  return signalZero(-pgid);
}

/**
 * Signals every member of group `pgid`. False when the group is empty (ESRCH) or not
 * ours to signal (EPERM). Refuses pgid ≤ 1: kill(-1) would signal every process we own.
 */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!isValidPid(pgid) || pgid === 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw error;
  }
}

function signalZero(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
