import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonStatus, ProfileView } from '../../src/core/api.js';
import { integrityCheck } from '../../src/store/database.js';
import type { CliResult } from '../helpers/cli.js';
import { waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { isAlive } from '../helpers/procs.js';

let h: E2eHome;
afterEach(async () => {
  await h.dispose();
});

const COUNT = 30;
const BATCH = 10;

describe('concurrent profile edits while the daemon is killed with -9', () => {
  it('keeps every acknowledged edit of the one profile they all change, in an intact database', async () => {
    h = e2eHome();
    expect((await h.run(['server', 'add', 'srv', '--no-autostart', '--', 'node', '-e', '0'])).code).toBe(0);
    expect((await h.run(['profile', 'create', 'p', '--server', 'srv'])).code).toBe(0);
    const firstDaemon = (await h.json<DaemonStatus>(['daemon', 'status'])).pid;

    // Each edit reads the profile as stored and writes it back: a lost update would drop a key.
    const killAfterMs = Math.floor(Math.random() * 150);
    const results: CliResult[] = [];
    for (let start = 0; start < COUNT; start += BATCH) {
      const batch = Array.from({ length: BATCH }, (_, k) => start + k).map((i) =>
        h.run(['profile', 'env', 'set', 'p', 'srv', `K${i}=v${i}`]),
      );
      if (start === BATCH) {
        await Promise.race(batch);
        await delay(killAfterMs);
        process.kill(firstDaemon, 'SIGKILL');
      }
      results.push(...(await Promise.all(batch)));
    }
    await waitFor('the killed daemon gone', () => (isAlive(firstDaemon) ? undefined : true));

    const acked = results.flatMap((result, i) => (result.code === 0 ? [`K${i}`] : []));
    for (const [i, result] of results.entries()) {
      if (result.code !== 0) expect([1, 6, 7], `K${i}: ${result.stderr}`).toContain(result.code);
    }
    expect(acked.length).toBeGreaterThanOrEqual(COUNT - BATCH);

    const [profile] = await h.json<ProfileView[]>(['profile', 'ls']);
    expect((await h.json<DaemonStatus>(['daemon', 'status'])).pid).not.toBe(firstDaemon);
    const env = profile?.members[0]?.env ?? {};
    expect(
      acked.filter((key) => env[key] === undefined),
      'acknowledged edits that were lost',
    ).toEqual([]);
    for (const [key, value] of Object.entries(env)) expect(value).toBe(`v${key.slice(1)}`);
    expect(integrityCheck(join(h.home, 'mcpctl.db'))).toBe('ok');
  });
});
