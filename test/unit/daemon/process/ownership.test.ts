import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildChildEnvironment } from '../../../../src/daemon/process/environment.js';
import {
  endMarkedGroups,
  findMarkedProcesses,
  homeIdOf,
  ownershipMarks,
} from '../../../../src/daemon/process/ownership.js';
import { spawnInGroup } from '../../../../src/daemon/process/spawn.js';
import type { GroupChild } from '../../../../src/daemon/process/types.js';
import { readTreeReport, runsInProc, TREE_FIXTURE } from './helpers.js';

const children: GroupChild[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop(200)));
});

/** A server's process group (leader and a grandchild), as a daemon of `homeId` starts it. */
async function startTree(marks: Record<string, string>): Promise<{ leader: number; grandchild: number }> {
  const child = await spawnInGroup({
    command: process.execPath,
    args: [TREE_FIXTURE, '--grandchild'],
    env: buildChildEnvironment(process.env, { MCPCTL_HOME_ID: 'a definition cannot hide it' }, marks),
  });
  children.push(child);
  const report = await readTreeReport(child.stdout);
  return { leader: report.pid, grandchild: report.grandchild as number };
}

describe('ownership marks', () => {
  it('finds every process of a home by its mark, leader and grandchild, and ends their group', async () => {
    const homeId = homeIdOf(`/tmp/home-${randomUUID()}`);
    const ours = await startTree(ownershipMarks(homeId, 'everything'));
    const otherHome = await startTree(ownershipMarks(homeIdOf(`/tmp/other-${randomUUID()}`), 'everything'));
    const unmarked = await startTree({});

    const found = findMarkedProcesses(homeId);
    expect(found.map((process) => process.pid).sort()).toEqual([ours.leader, ours.grandchild].sort());
    expect(found.every((process) => process.pgid === ours.leader && process.server === 'everything')).toBe(true);

    const ended = await endMarkedGroups(found, () => 200);
    expect(ended.map((leader) => leader.pid)).toEqual([ours.leader]);
    expect(runsInProc(ours.leader)).toBe(false);
    expect(runsInProc(ours.grandchild)).toBe(false);
    for (const pid of [otherHome.leader, otherHome.grandchild, unmarked.leader, unmarked.grandchild]) {
      expect(runsInProc(pid)).toBe(true);
    }
  });

  it('never signals a group whose marked members no longer have the start time they were found with', async () => {
    const homeId = homeIdOf(`/tmp/home-${randomUUID()}`);
    const tree = await startTree(ownershipMarks(homeId, 'memory'));
    const reused = findMarkedProcesses(homeId).map((process) => ({
      ...process,
      startTime: String(Number(process.startTime) - 1),
    }));
    expect(reused).toHaveLength(2);
    expect(await endMarkedGroups(reused, () => 200)).toEqual([]);
    expect(runsInProc(tree.leader)).toBe(true);
  });
});
