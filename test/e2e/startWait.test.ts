import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { EVERYTHING, FIXTURES } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';

const NODE = process.execPath;

const h = useE2eHome();

const stateOf = async (name: string): Promise<string> => (await h.json<ServerView>(['server', 'show', name])).state;

describe('add and start wait until the server runs', () => {
  it('add of a server that exits at once fails with exit 5 and its error, and keeps the definition', async () => {
    const add = await h.run(['server', 'add', 'quits', '--restart', 'never', '--', NODE, '-e', 'process.exit(3)']);
    expect(add.code, add.stderr).toBe(5);
    expect(add.stderr).toMatch(/^Error: server 'quits' was added, but did not start: \S/m);
    expect(add.stderr).toMatch(/^Hint: see why with 'mcpctl logs quits'/m);
    expect(await stateOf('quits')).toBe('failed');

    const start = await h.run(['start', 'quits']);
    expect(start.code).toBe(5);
    expect(start.stderr).toMatch(/^Error: did not start: quits: /m);
    const noWait = await h.run(['start', 'quits', '--no-wait']);
    expect(noWait.code, noWait.stderr).toBe(0);
  });

  it('add of a server that never answers initialize exits 5 within its start timeout and stop grace', async () => {
    const started = Date.now();
    const add = await h.run([
      'server',
      'add',
      'mute',
      ...h.mark('mute'),
      '--start-timeout',
      '500ms',
      '--stop-grace',
      '500ms',
      '--restart',
      'never',
      '--',
      NODE,
      '-e',
      'setInterval(() => {}, 1000)',
    ]);
    const took = Date.now() - started;
    expect(add.code, add.stderr).toBe(5);
    expect(add.stderr).toMatch(/did not start: initialize failed/);
    // 500 ms to answer, 500 ms to stop it, and the CLI's own start-up.
    expect(took).toBeLessThan(5000);
    expect(h.serverPids('mute')).toEqual([]);
  });

  it('--no-wait returns while the server is still starting; start then waits for it', async () => {
    const slow = ['--env', 'SLOW_START_MS=1500', '--', NODE, join(FIXTURES, 'slowStart.mjs'), EVERYTHING, 'stdio'];
    const add = await h.run(['server', 'add', 'slow', '--no-wait', ...slow]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toBe('added server slow (starting)\n');
    const start = await h.run(['start', 'slow']);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/^slow: running \(pid \d+\)$/m);
  });
});
