import { readdirSync, readFileSync } from 'node:fs';
import { hasProcfs, readStat } from './procfs.js';

/**
 * CPU time and resident memory of whole process trees (a server's `npx` and the node it
 * runs, a shell and its children), from /proc on Linux. Elsewhere there is no cheap way
 * to ask, so usage is null. One snapshot reads each /proc/<pid>/stat once, however many
 * trees are asked of it.
 */

/** USER_HZ: the unit of /proc's CPU times; 100 on every mainstream Linux architecture. */
const TICKS_PER_SECOND = 100;

export interface TreeUsage {
  /** User + system time of the live processes and the children they have reaped. */
  cpuSeconds: number;
  rssBytes: number;
  processes: number;
}

interface ProcEntry {
  ppid: number;
  ticks: number;
}

export class ProcessSnapshot {
  private readonly entries = new Map<number, ProcEntry>();
  private readonly children = new Map<number, number[]>();

  private constructor() {}

  /** null without /proc (macOS, Windows): usage is unavailable there. */
  static take(): ProcessSnapshot | null {
    if (!hasProcfs()) return null;
    const snapshot = new ProcessSnapshot();
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 0) continue;
      const stat = readStat(pid);
      if (stat === null) continue;
      const entry = { ppid: stat.ppid, ticks: stat.cpuTicks };
      snapshot.entries.set(pid, entry);
      const siblings = snapshot.children.get(entry.ppid);
      if (siblings === undefined) snapshot.children.set(entry.ppid, [pid]);
      else siblings.push(pid);
    }
    return snapshot;
  }

  /** The usage of `roots` and all their descendants; zero for roots that are gone. */
  usage(roots: readonly number[]): TreeUsage {
    let ticks = 0;
    let rssBytes = 0;
    let processes = 0;
    const queue = roots.filter((pid) => this.entries.has(pid));
    const seen = new Set<number>();
    while (queue.length > 0) {
      const pid = queue.pop() as number;
      if (seen.has(pid)) continue;
      seen.add(pid);
      const entry = this.entries.get(pid);
      if (entry === undefined) continue;
      processes += 1;
      ticks += entry.ticks;
      rssBytes += readRssBytes(pid);
      for (const child of this.children.get(pid) ?? []) queue.push(child);
    }
    return { cpuSeconds: ticks / TICKS_PER_SECOND, rssBytes, processes };
  }
}

/** VmRSS of /proc/<pid>/status, in kB there: exact whatever the page size. 0 when gone or a zombie. */
export function readRssBytes(pid: number): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0;
  }
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match === null ? 0 : Number(match[1]) * 1024;
}
