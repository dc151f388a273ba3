import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildChildEnvironment } from '../../../../src/daemon/process/environment.js';
import { spawnInGroup } from '../../../../src/daemon/process/spawn.js';
import type { GroupChild } from '../../../../src/daemon/process/types.js';
import { McpctlError } from '../../../../src/shared/errors.js';
import { useShortTempDir } from '../ipc/helpers.js';
import { firstLine, readTreeReport, runsInProc, TREE_FIXTURE } from './helpers.js';

const tempDir = useShortTempDir();

const env = buildChildEnvironment(process.env, {});
const started: GroupChild[] = [];

async function start(args: string[], command = process.execPath): Promise<GroupChild> {
  const child = await spawnInGroup({ command, args, env });
  started.push(child);
  return child;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => child.stop(100)));
});

describe('spawnInGroup', () => {
  it('runs the child as leader of its own process group with a known start time', async () => {
    const child = await start(['-e', 'setInterval(() => {}, 1e9)']);
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    expect(Number(fields[2])).toBe(child.pid);
    expect(child.startTime).toBe(fields[19]);
  });

  it('passes stdin and stdout through and reports the exit code', async () => {
    const child = await start([
      '-e',
      "process.stdin.pipe(process.stdout); process.stdin.on('end', () => process.exit(3))",
    ]);
    const line = firstLine(child.stdout);
    child.stdin.write('hello\n');
    expect(await line).toBe('hello');
    child.stdin.end();
    expect(await child.exited).toEqual({ code: 3, signal: null });
  });

  it('gives the child exactly the environment it was handed', async () => {
    const child = await spawnInGroup({
      command: process.execPath,
      args: ['-e', 'process.stdout.write(JSON.stringify(process.env) + "\\n")'],
      env: { ...env, ONLY_THIS: 'yes' },
    });
    started.push(child);
    const childEnv = JSON.parse(await firstLine(child.stdout)) as Record<string, string>;
    expect(childEnv.ONLY_THIS).toBe('yes');
    expect(Object.keys(childEnv).some((name) => name.startsWith('MCPCTL_'))).toBe(false);
  });

  it('rejects a missing command with SERVER_FAILED and a hint', async () => {
    const error = await spawnInGroup({ command: 'mcpctl-no-such-command-xyz', args: [], env }).catch((e) => e);
    expect(error).toBeInstanceOf(McpctlError);
    expect(error.code).toBe('SERVER_FAILED');
    expect(error.message).toBe("cannot start 'mcpctl-no-such-command-xyz': command not found");
    expect(error.hint).toMatch(/PATH/);
  });

  it('rejects a missing working directory with SERVER_FAILED naming it', async () => {
    const cwd = join(tmpdir(), 'mcpctl-no-such-dir-xyz');
    const error = await spawnInGroup({ command: process.execPath, args: [], env, cwd }).catch((e) => e);
    expect(error.code).toBe('SERVER_FAILED');
    expect(error.message).toContain(cwd);
    expect(error.hint).toMatch(/--cwd/);
  });

  it('rejects a file that is not executable with SERVER_FAILED', async () => {
    const dir = tempDir();
    const script = join(dir, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const error = await spawnInGroup({ command: script, args: [], env }).catch((e) => e);
    expect(error.code).toBe('SERVER_FAILED');
    expect(error.message).toContain('permission denied');
  });

  it('survives writing to a child that has closed its stdin (EPIPE)', async () => {
    const child = await start(['-e', 'process.stdin.destroy(); setInterval(() => {}, 1e9)']);
    for (let i = 0; i < 50; i++) child.stdin.write(`${'x'.repeat(65536)}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runsInProc(child.pid)).toBe(true);
  });
});

describe('GroupChild.stop', () => {
  it('lets a child that exits on stdin close go without signals', async () => {
    const child = await start([TREE_FIXTURE, '--exit-on-stdin-end']);
    await readTreeReport(child.stdout);
    expect(await child.stop(5000)).toEqual({ code: 0, signal: null });
  });

  it('ends a child that ignores stdin close with SIGTERM to the group', async () => {
    const child = await start([TREE_FIXTURE]);
    await readTreeReport(child.stdout);
    expect(await child.stop(200)).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('SIGKILLs a child that ignores SIGTERM once the grace period is over', async () => {
    const child = await start([TREE_FIXTURE, '--ignore-term']);
    await readTreeReport(child.stdout);
    const begin = Date.now();
    expect(await child.stop(300)).toEqual({ code: null, signal: 'SIGKILL' });
    const took = Date.now() - begin;
    // min(1000, grace) for stdin, grace after SIGTERM, then SIGKILL: about 600 ms.
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(2500);
    expect(runsInProc(child.pid)).toBe(false);
  });

  it('leaves neither the child nor its grandchild alive', async () => {
    const child = await start([TREE_FIXTURE, '--grandchild', '--ignore-term']);
    const report = await readTreeReport(child.stdout);
    const grandchild = report.grandchild as number;
    expect(runsInProc(grandchild)).toBe(true);
    await child.stop(200);
    expect(runsInProc(child.pid)).toBe(false);
    expect(runsInProc(grandchild)).toBe(false);
  });

  it('ends a grandchild left behind by a leader that exited on its own', async () => {
    const child = await start([TREE_FIXTURE, '--grandchild', '--ignore-term', '--exit-on-stdin-end']);
    const report = await readTreeReport(child.stdout);
    const grandchild = report.grandchild as number;
    expect(await child.stop(200)).toEqual({ code: 0, signal: null });
    expect(runsInProc(grandchild)).toBe(false);
  });

  it('answers at once for a child that already exited on its own', async () => {
    const child = await start(['-e', 'process.exit(7)']);
    await child.exited;
    expect(await child.stop(5000)).toEqual({ code: 7, signal: null });
  });

  it('is idempotent: a second call returns the same promise', async () => {
    const child = await start([TREE_FIXTURE]);
    await readTreeReport(child.stdout);
    const first = child.stop(200);
    expect(child.stop(5000)).toBe(first);
    await first;
  });

  it('settles exited once, with the same result stop returns', async () => {
    const child = await start(['-e', 'setInterval(() => {}, 1e9)']);
    const info = await child.stop(200);
    expect(await child.exited).toBe(info);
  });
});
