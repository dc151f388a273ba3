import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildChildEnvironment } from '../../../../src/daemon/process/environment.js';
import { readProcessStartTime } from '../../../../src/daemon/process/procfs.js';
import { killOrphan, spawnInGroup } from '../../../../src/daemon/process/spawn.js';
import { readTreeReport, runsInProc, TREE_FIXTURE } from './helpers.js';

const env = buildChildEnvironment(process.env, {});
const orphans: number[] = [];

/** A server whose parent died: a process of its own group, parented by init. */
async function makeOrphan(extra: string[] = []): Promise<number> {
  const parent = await spawnInGroup({
    command: process.execPath,
    args: [TREE_FIXTURE, '--detach-grandchild', ...extra],
    env,
  });
  const report = await readTreeReport(parent.stdout);
  await parent.exited;
  const orphan = report.grandchild as number;
  orphans.push(orphan);
  return orphan;
}

afterEach(() => {
  for (const pid of orphans.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('killOrphan', () => {
  it('ends an orphan whose pid and start time match', async () => {
    const orphan = await makeOrphan();
    expect(runsInProc(orphan)).toBe(true);
    expect(await killOrphan(orphan, readProcessStartTime(orphan), 200)).toBe(true);
    expect(runsInProc(orphan)).toBe(false);
  });

  it('SIGKILLs an orphan that ignores SIGTERM', async () => {
    const orphan = await makeOrphan(['--ignore-term']);
    expect(await killOrphan(orphan, readProcessStartTime(orphan), 200)).toBe(true);
    expect(runsInProc(orphan)).toBe(false);
  });

  it('refuses a pid whose start time differs (a reused pid)', async () => {
    const orphan = await makeOrphan();
    const startTime = readProcessStartTime(orphan) as string;
    expect(await killOrphan(orphan, String(Number(startTime) - 1), 200)).toBe(false);
    expect(runsInProc(orphan)).toBe(true);
  });

  it('refuses a pid without a known start time on Linux', async () => {
    const orphan = await makeOrphan();
    expect(await killOrphan(orphan, null, 200)).toBe(false);
    expect(runsInProc(orphan)).toBe(true);
  });

  it('refuses a process that does not lead its own group', async () => {
    // This test process shares vitest's group: it is no server of ours.
    expect(await killOrphan(process.pid, readProcessStartTime(process.pid), 200)).toBe(false);
  });

  it('answers false for a pid that no longer runs', async () => {
    const orphan = await makeOrphan();
    const startTime = readProcessStartTime(orphan);
    process.kill(orphan, 'SIGKILL');
    await vi.waitFor(() => expect(runsInProc(orphan)).toBe(false));
    expect(await killOrphan(orphan, startTime, 200)).toBe(false);
  });
});
