import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { terminateGroup } from './groupStop.js';
import {
  isProcessAlive,
  listProcesses,
  readProcessEnvironment,
  readProcessGroup,
  readProcessStartTime,
} from './procfs.js';

/**
 * Every server process carries, in its environment, the id of the home whose daemon
 * started it and its server's name. The environment is inherited by whatever the
 * server forks, and /proc/<pid>/environ keeps it for the process's life, so a daemon
 * finds every process it or an earlier daemon of the same home started — also those a
 * kill -9 caught between spawning and recording the pid.
 */
export const HOME_ID_VAR = 'MCPCTL_HOME_ID';
export const SERVER_VAR = 'MCPCTL_SERVER';

/** A short stable id of a state folder (a hash: the path itself may be long or private). */
export function homeIdOf(stateDir: string): string {
  return createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 16);
}

/** The entries to put last in a server's environment (a definition cannot override them). */
export function ownershipMarks(homeId: string, server: string): Record<string, string> {
  return { [HOME_ID_VAR]: homeId, [SERVER_VAR]: server };
}

export interface MarkedProcess {
  pid: number;
  pgid: number;
  /** Kernel start time, so the pid is never taken for ours once it is reused. */
  startTime: string;
  /** The server it was started for, as its environment says. */
  server: string | undefined;
}

/** Live processes marked with `homeId`, other than this process and its group. Empty without /proc. */
export function findMarkedProcesses(homeId: string): MarkedProcess[] {
  const mark = `${HOME_ID_VAR}=${homeId}`;
  const ownGroup = readProcessGroup(process.pid);
  const found: MarkedProcess[] = [];
  for (const pid of listProcesses()) {
    if (pid === process.pid) continue;
    const startTime = readProcessStartTime(pid);
    const environment = startTime === null ? null : readProcessEnvironment(pid);
    if (startTime === null || environment === null || !environment.includes(mark)) continue;
    const pgid = readProcessGroup(pid);
    // Read again after the environment: the pid must still be the process we read it from.
    if (pgid === null || pgid <= 1 || pgid === ownGroup || !isProcessAlive(pid, startTime)) continue;
    const server = environment.find((entry) => entry.startsWith(`${SERVER_VAR}=`))?.slice(SERVER_VAR.length + 1);
    found.push({ pid, pgid, startTime, server });
  }
  return found;
}

/**
 * Ends the process groups of `found` (SIGTERM, SIGKILL after the grace of its server),
 * all at once. A group is signalled only while one of its marked members still runs with
 * the start time it was found with. Resolves with the groups that were ended.
 */
export async function endMarkedGroups(
  found: readonly MarkedProcess[],
  graceMs: (server: string | undefined) => number,
): Promise<MarkedProcess[]> {
  const byGroup = new Map<number, MarkedProcess[]>();
  for (const marked of found) byGroup.set(marked.pgid, [...(byGroup.get(marked.pgid) ?? []), marked]);
  const ended = await Promise.all(
    [...byGroup.values()].map(async (members) => {
      const live = members.find((member) => isProcessAlive(member.pid, member.startTime));
      if (!live || readProcessGroup(live.pid) !== live.pgid) return undefined;
      const leader = members.find((member) => member.pid === member.pgid) ?? live;
      return (await terminateGroup(live.pgid, graceMs(leader.server))) ? leader : undefined;
    }),
  );
  return ended.filter((leader) => leader !== undefined);
}
