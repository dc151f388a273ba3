import { readdirSync, readFileSync } from 'node:fs';
import { readRssBytes } from './processTree.js';
import { hasProcfs, listGroupMembers, readProcessGroup } from './procfs.js';

/** The children of `pid` across its threads (/proc/<pid>/task/<tid>/children); null when the kernel has no such file. */
function childrenOf(pid: number): number[] | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const task of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && task === String(pid)) return null;
      continue;
    }
    for (const child of text.split(' ')) if (child.trim() !== '') children.push(Number(child));
  }
  return children;
}

/**
 * The resident memory of `pid` and every process below it, in bytes; null without /proc.
 * Walks the children lists (a few small reads per process, so sampling every health check is
 * cheap); a kernel without them (CONFIG_PROC_CHILDREN off) falls back to the process group,
 * which is the server's own (spawnInGroup).
 */
export function processTreeRss(pid: number): number | null {
  if (!hasProcfs() || !Number.isInteger(pid) || pid <= 0) return null;
  const seen = new Set<number>();
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop() as number;
    if (seen.has(next)) continue;
    seen.add(next);
    const children = childrenOf(next);
    if (children === null) {
      const pgid = readProcessGroup(pid);
      const members = pgid === null ? [pid] : listGroupMembers(pgid);
      return members.reduce((sum, member) => sum + readRssBytes(member), 0);
    }
    queue.push(...children);
  }
  let total = 0;
  for (const member of seen) total += readRssBytes(member);
  return total;
}
