import { readFileSync } from 'node:fs';
import { hasProcfs, listGroupMembers, readProcessGroup } from './procfs.js';

function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // it exited meanwhile
  }
}

/**
 * The resident memory of a server's whole process group (it runs in one of its own: `npx` and
 * the node it starts count together), from /proc; null where there is no /proc (macOS).
 */
export function readGroupRssBytes(pid: number): number | null {
  if (!hasProcfs()) return null;
  const pgid = readProcessGroup(pid);
  if (pgid === null) return null;
  const members = listGroupMembers(pgid);
  return (members.length === 0 ? [pid] : members).reduce((sum, member) => sum + rssBytes(member), 0);
}
