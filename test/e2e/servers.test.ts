import { afterEach, describe, expect, it } from 'vitest';
import type { ServerDetail } from '../../src/core/api.js';
import { EVERYTHING, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { isAlive } from '../helpers/procs.js';

let h: E2eHome;
afterEach(async () => {
  await h.dispose();
});

describe('server-everything through the built binary', () => {
  it('adds and runs it, answers a real MCP ping, and restarts it after kill -9', async () => {
    h = e2eHome();
    const add = await h.run([
      'server',
      'add',
      'everything',
      ...h.mark('everything'),
      '--',
      process.execPath,
      EVERYTHING,
      'stdio',
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('added server everything (running)');

    const shown = await h.json<ServerDetail>(['server', 'show', 'everything']);
    for (const field of [
      'name',
      'transport',
      'state',
      'pid',
      'restarts',
      'uptimeSeconds',
      'lastExitCode',
      'command',
      'args',
      'url',
    ]) {
      expect(shown).toHaveProperty(field);
    }
    expect(shown).toMatchObject({
      name: 'everything',
      transport: 'stdio',
      state: 'running',
      restarts: 0,
      lastExitCode: null,
      command: process.execPath,
      args: [EVERYTHING, 'stdio'],
      url: null,
    });
    const firstPid = shown.pid as number;
    expect(h.serverPids('everything')).toEqual([firstPid]);

    const ping = await h.run(['server', 'ping', 'everything']);
    expect(ping.code, ping.stderr).toBe(0);
    expect(ping.stdout).toMatch(/^everything: pong in \d+(\.\d+)? ms$/m);

    process.kill(firstPid, 'SIGKILL');
    const back = await waitFor('everything running again under a new pid', async () => {
      const view = await h.json<ServerDetail>(['server', 'show', 'everything']);
      return view.state === 'running' && view.pid !== firstPid ? view : undefined;
    });
    expect(back.restarts).toBe(1);
    expect(back.lastExitSignal).toBe('SIGKILL');
    expect(isAlive(firstPid)).toBe(false);
    expect(h.serverPids('everything')).toEqual([back.pid]);
    expect(back.events.map((event) => event.type)).toContain('crashed');
    expect((await h.run(['server', 'ping', 'everything'])).code).toBe(0);
  });
});
