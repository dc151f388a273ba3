import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { type CliResult, FIXTURES, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome, findProcessesByEnv } from '../helpers/e2e.js';
import { isAlive } from '../helpers/procs.js';

let h: E2eHome;
afterEach(async () => {
  await h.dispose();
});

const ROUNDS = 30;
const CONCURRENT = 3;

describe('a daemon killed with -9 while servers are being added', () => {
  it('F5: thirty rounds of kill -9 during three concurrent adds leave no orphan and lose no acknowledged add', {
    // About 30 s on a quiet 2-core machine; several times that when other work shares it.
    timeout: 600_000,
  }, async () => {
    h = e2eHome();
    const marked = (): number[] => findProcessesByEnv((entry) => entry.startsWith(`E2E_MARK=${h.home}/`));
    // sticky outlives its stdin: only a kill of its process group ends it. No autostart: a
    // killed daemon stays dead until the next round starts one.
    const add = (name: string): Promise<CliResult> =>
      h.run(
        [
          'server',
          'add',
          name,
          ...h.mark(name),
          '--stop-grace',
          '200ms',
          '--',
          process.execPath,
          join(FIXTURES, 'sticky.mjs'),
        ],
        { env: { MCPCTL_NO_AUTOSTART: '1' } },
      );
    let acknowledged = 0;
    let failed = 0;
    let committed = 0;
    // What a round's adds answered, checked (then removed) after the next daemon start.
    let previous: Array<{ name: string; acknowledged: boolean }> = [];
    // Servers autostart with the daemon, so a restart resumes every one still defined: each
    // round checks and removes the previous round's, so that every start resumes at most three.
    const checkAndRemove = async (): Promise<void> => {
      if (previous.length === 0) return;
      const present = new Set((await h.json<ServerView[]>(['server', 'ls'])).map((view) => view.name));
      for (const { name, acknowledged: wasAcknowledged } of previous) {
        if (wasAcknowledged) {
          expect(present.has(name), `acknowledged add of ${name} lost`).toBe(true);
        } else if (present.has(name)) {
          // An add the client saw fail but that was committed: a retry of it succeeds as it is.
          committed++;
          const retry = await add(name);
          expect(retry.code, `${name}: ${retry.stderr}`).toBe(0);
          expect(retry.stdout).toMatch(new RegExp(`^server ${name} already exists with this definition `));
        } else {
          // An add the client saw fail and that left nothing behind: no process either.
          expect(h.serverPids(name), name).toEqual([]);
        }
      }
      if (present.size === 0) return;
      const removed = await h.run(['server', 'rm', ...present]);
      expect(removed.code, removed.stderr).toBe(0);
    };
    const started = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      // Starts a daemon (which ends what the killed one left) and stops the servers it resumed.
      const stop = await h.run(['stop', '--all']);
      expect(stop.code, stop.stderr).toBe(0);
      await checkAndRemove();
      const daemonPid = h.pidFilePid() as number;
      const names = Array.from({ length: CONCURRENT }, (_, k) => `r${round}-${k}`);
      const adds = names.map(add);
      if (round % 2 === 0) {
        // Right after a server of this round was spawned: "spawned, not yet recorded".
        await waitFor('a server of this round spawned', () =>
          names.some((name) => h.serverPids(name).length > 0) ? true : undefined,
        ).catch(() => undefined);
        await delay(Math.floor(Math.random() * 10));
      } else {
        // A moment after the first add was answered: the others are being written or started.
        await Promise.race(adds);
        await delay(Math.floor(Math.random() * 50));
      }
      process.kill(daemonPid, 'SIGKILL');
      const results = await Promise.all(adds);
      previous = results.map((result, k) => ({ name: names[k] as string, acknowledged: result.code === 0 }));
      acknowledged += results.filter((result) => result.code === 0).length;
      failed += results.filter((result) => result.code !== 0).length;
      await waitFor('the killed daemon gone', () => (isAlive(daemonPid) ? undefined : true));
    }
    const roundsTook = Date.now() - started;

    // The final restart: nothing acknowledged is lost, nothing is left of what came before.
    expect((await h.run(['stop', '--all'])).code).toBe(0);
    await checkAndRemove();
    expect((await h.run(['daemon', 'stop'])).code).toBe(0);
    const orphans = await waitFor('no server process left', () => (marked().length === 0 ? [] : undefined), 3000).catch(
      () => marked(),
    );
    expect(orphans, 'server processes alive after daemon stop').toEqual([]);

    process.stdout.write(
      `F5: ${ROUNDS} rounds in ${roundsTook} ms; ${acknowledged} adds acknowledged, ${failed} failed ` +
        `(${committed} of them committed and retried)\n`,
    );
  });
});
