import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, readProcessGroup } from '../../../../src/daemon/process/procfs.js';
import { pollUntil } from '../../../../src/daemon/process/wait.js';
import { spawnDetachedDaemon } from '../../../../src/daemon/service/detach.js';
import { useShortTempDir } from '../ipc/helpers.js';

const tempDir = useShortTempDir();

describe('spawnDetachedDaemon', () => {
  it('starts a process in its own group that appends its output to the stdio file', async () => {
    const stdioFile = join(tempDir(), 'logs', 'daemon.stdio.log');
    const script = [
      "process.stdout.write('out ' + process.env.MARK + '\\n');",
      "process.stderr.write('err line\\n');",
      'process.stdin.on("end", () => {}).resume();',
    ].join('');
    const pid = spawnDetachedDaemon({
      execPath: process.execPath,
      args: ['-e', script],
      env: { ...process.env, MARK: 'x1' },
      stdioFile,
    });
    expect(pid).toBeGreaterThan(0);
    if (readProcessGroup(pid) !== null) expect(readProcessGroup(pid)).toBe(pid);
    expect(await pollUntil(() => !isProcessAlive(pid), 10_000)).toBe(true);
    const second = spawnDetachedDaemon({
      execPath: process.execPath,
      args: ['-e', "console.log('again')"],
      env: process.env,
      stdioFile,
    });
    expect(await pollUntil(() => !isProcessAlive(second), 10_000)).toBe(true);
    const output = readFileSync(stdioFile, 'utf8');
    expect(output).toContain('out x1\n');
    expect(output).toContain('err line\n');
    expect(output.endsWith('again\n')).toBe(true);
  });
});
