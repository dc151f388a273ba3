import { afterEach, describe, expect, it } from 'vitest';
import { buildChildEnvironment } from '../../../../src/daemon/process/environment.js';
import {
  isGroupAlive,
  isProcessAlive,
  killProcessGroup,
  listGroupMembers,
  readProcessGroup,
  readProcessStartTime,
} from '../../../../src/daemon/process/procfs.js';
import { spawnInGroup } from '../../../../src/daemon/process/spawn.js';
import type { GroupChild } from '../../../../src/daemon/process/types.js';
import { readTreeReport, TREE_FIXTURE } from './helpers.js';

const env = buildChildEnvironment(process.env, {});
const started: GroupChild[] = [];

async function startTree(args: string[]): Promise<{ child: GroupChild; grandchild: number | null }> {
  const child = await spawnInGroup({ command: process.execPath, args: [TREE_FIXTURE, ...args], env });
  started.push(child);
  const report = await readTreeReport(child.stdout);
  return { child, grandchild: report.grandchild };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => child.stop(100)));
});

describe('procfs', () => {
  it('reads a start time that tells two processes apart', async () => {
    const own = readProcessStartTime(process.pid);
    expect(own).toMatch(/^\d+$/);
    const { child } = await startTree([]);
    const theirs = readProcessStartTime(child.pid);
    expect(theirs).toMatch(/^\d+$/);
    expect(theirs).not.toBe(own);
    expect(readProcessStartTime(child.pid)).toBe(theirs);
  });

  it('parses a comm holding spaces and parentheses', async () => {
    // process.title sets comm (16 bytes at most) on Linux.
    const child = await spawnInGroup({
      command: process.execPath,
      args: ['-e', "process.title = 'a) (b c)'; process.stdout.write('ok\\n'); setInterval(() => {}, 1e9)"],
      env,
    });
    started.push(child);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    expect(readProcessGroup(child.pid)).toBe(child.pid);
    expect(readProcessStartTime(child.pid)).toBe(child.startTime);
  });

  it('takes a process for alive only with the matching start time', async () => {
    const { child } = await startTree([]);
    expect(isProcessAlive(child.pid)).toBe(true);
    expect(isProcessAlive(child.pid, child.startTime)).toBe(true);
    expect(isProcessAlive(child.pid, `${child.startTime}1`)).toBe(false);
    await child.stop(100);
    expect(isProcessAlive(child.pid, child.startTime)).toBe(false);
  });

  it('answers no for pids that cannot be ours', () => {
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(-1)).toBe(false);
    expect(isProcessAlive(2 ** 22 + 1)).toBe(false);
    expect(readProcessStartTime(2 ** 22 + 1)).toBeNull();
  });

  it('lists the leader and grandchild as members of the group', async () => {
    const { child, grandchild } = await startTree(['--grandchild']);
    expect(listGroupMembers(child.pid).sort()).toEqual([child.pid, grandchild].sort());
    expect(isGroupAlive(child.pid)).toBe(true);
  });

  it('signals the group and reports an empty one', async () => {
    const { child } = await startTree([]);
    expect(killProcessGroup(child.pid, 'SIGTERM')).toBe(true);
    await child.exited;
    expect(killProcessGroup(child.pid, 'SIGTERM')).toBe(false);
    expect(isGroupAlive(child.pid)).toBe(false);
  });

  it('refuses to signal group 0 or 1 (every process we own)', () => {
    expect(killProcessGroup(0, 'SIGTERM')).toBe(false);
    expect(killProcessGroup(1, 'SIGTERM')).toBe(false);
    expect(isGroupAlive(1)).toBe(false);
  });
});
