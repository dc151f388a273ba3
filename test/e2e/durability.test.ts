import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonStatus, ServerView } from '../../src/core/api.js';
import { integrityCheck } from '../../src/store/database.js';
import type { CliResult } from '../helpers/cli.js';
import { waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { isAlive } from '../helpers/procs.js';

let h: E2eHome;
afterEach(async () => {
  await h.dispose();
});

const COUNT = 50;
const BATCH = 10;

describe('concurrent adds while the daemon is killed with -9', () => {
  it('keeps every acknowledged add, whole, in an intact database', async () => {
    h = e2eHome();
    expect((await h.run(['daemon', 'start'])).code).toBe(0);
    const firstDaemon = (await h.json<DaemonStatus>(['daemon', 'status'])).pid;

    // Kill it during the second, third or fourth batch, a random moment after the first add of
    // that batch was answered: the others are then starting, connecting or being written.
    const killBatch = 1 + Math.floor(Math.random() * 3);
    const killAfterMs = Math.floor(Math.random() * 150);
    const results: CliResult[] = [];
    let killedAt: number | undefined;
    for (let start = 0; start < COUNT; start += BATCH) {
      const batch = Array.from({ length: BATCH }, (_, k) => start + k).map((i) =>
        h.run(['server', 'add', `s${i}`, '--no-autostart', '--', 'node', '-e', '0']),
      );
      if (start / BATCH === killBatch) {
        await Promise.race(batch);
        await delay(killAfterMs);
        process.kill(firstDaemon, 'SIGKILL');
        killedAt = start;
      }
      results.push(...(await Promise.all(batch)));
    }
    expect(killedAt).toBeDefined();
    await waitFor('the killed daemon gone', () => (isAlive(firstDaemon) ? undefined : true));

    const ok = results.flatMap((result, i) => (result.code === 0 ? [`s${i}`] : []));
    const failed = results.flatMap((result, i) => (result.code === 0 ? [] : [{ name: `s${i}`, ...result }]));
    // A failed add is one the daemon died under: reported as unreachable (6) or a lost answer.
    for (const failure of failed) expect([1, 5, 6, 7], `${failure.name}: ${failure.stderr}`).toContain(failure.code);
    // The batches after the kill autostarted a new daemon, so most adds went through.
    expect(ok.length).toBeGreaterThanOrEqual(COUNT - 2 * BATCH);

    const start = await h.run(['daemon', 'start']);
    expect(start.code, start.stderr).toBe(0);
    const status = await h.json<DaemonStatus>(['daemon', 'status']);
    expect(status.pid).not.toBe(firstDaemon);
    expect(h.daemonPids()).toEqual([status.pid]);

    const views = await h.json<ServerView[]>(['server', 'ls']);
    const present = new Map(views.map((view) => [view.name, view]));
    const missing = ok.filter((name) => !present.has(name));
    expect(missing, 'acknowledged adds that were lost').toEqual([]);
    for (const view of views) {
      expect(view.name).toMatch(/^s\d+$/);
      expect(view, view.name).toMatchObject({
        transport: 'stdio',
        command: 'node',
        args: ['-e', '0'],
        autostart: false,
        state: 'stopped',
      });
    }
    expect(views.length).toBeLessThanOrEqual(COUNT);
    expect(integrityCheck(join(h.home, 'mcpctl.db'))).toBe('ok');
    process.stdout.write(
      `durability: killed during batch ${killBatch + 1}/${COUNT / BATCH} ${killAfterMs} ms after its first answer; ${ok.length} adds acknowledged, ` +
        `${views.length} stored, failures: ${failed.map((f) => `${f.name}=${f.code}`).join(' ') || 'none'}\n`,
    );
  });
});
