import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventItem, ServerView } from '../../src/core/api.js';
import { FIXTURES, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

// Rules checked every 50 ms: the alert fires within a tick of its time.
const ENV = { MCPCTL_ALERTS_INTERVAL: '50ms' };
const DOWN_FOR_MS = 4000;

let daemon: TestDaemon;
beforeAll(async () => {
  daemon = await startTestDaemon(ENV);
});
afterAll(async () => {
  await daemon.stop();
});

async function events(types: string): Promise<EventItem[]> {
  const result = await mcpctl(daemon.home, ['events', '--type', types, '-o', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EventItem);
}

/** When the newest daemon began (its 'daemon starting' line): its alert engine starts after this. */
function lastStart(): number {
  const starts = readFileSync(join(daemon.home, 'logs', 'daemon.log'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"daemon starting"'))
    .map((line) => Date.parse((JSON.parse(line) as { time: string }).time));
  expect(starts).toHaveLength(2);
  return starts[1] as number;
}

const show = (name: string) => mcpctlJson<ServerView>(daemon.home, ['server', 'show', name]);

describe('the down clock across a daemon restart', () => {
  it("a 'down for' alert fires on the clock of when the server went down, not from the new daemon's start", async () => {
    // Never comes up: starting, crashed, backoff, starting... down all along while it should run.
    const added = await mcpctl(daemon.home, [
      'server',
      'add',
      'gone',
      '--no-autostart',
      '--backoff-initial',
      '200ms',
      '--backoff-max',
      '200ms',
      '--max-restarts',
      '1000',
      '--',
      process.execPath,
      join(FIXTURES, 'crash.mjs'),
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect((await show('gone')).downSince).toBeNull();
    const rule = await mcpctl(daemon.home, ['alert', 'add', 'outage', '--when', 'down for 4s', '--server', 'gone']);
    expect(rule.code, rule.stderr).toBe(0);
    expect((await mcpctl(daemon.home, ['server', 'start', 'gone', '--no-wait'])).code).toBe(0);
    const downSince = await waitFor('the down clock', async () => (await show('gone')).downSince ?? undefined);
    const wentDown = Date.parse(downSince);

    // The daemon restarts while the server is down.
    expect((await mcpctl(daemon.home, ['daemon', 'stop'])).code).toBe(0);
    expect((await mcpctl(daemon.home, ['daemon', 'start'], { env: ENV })).code).toBe(0);
    const restarted = lastStart();
    const view = await show('gone');
    expect(view.downSince).toBe(downSince);
    expect((await mcpctl(daemon.home, ['server', 'show', 'gone'])).stdout).toContain(`Down since:`);

    const [fired] = await waitFor(
      'the alert to fire',
      async () => {
        const found = await events('alert-fired');
        return found.length > 0 ? found : undefined;
      },
      15_000,
    );
    const firedAt = Date.parse(fired?.time ?? '');
    // Not early: only once it had been down 4 s...
    expect(firedAt - wentDown).toBeGreaterThanOrEqual(DOWN_FOR_MS);
    // ...and on that clock: a new daemon counting from its own start would fire 4 s after it began.
    expect(firedAt - restarted).toBeLessThan(DOWN_FOR_MS);

    // Stopped on purpose is not down: the clock clears and the alert resolves, once.
    expect((await mcpctl(daemon.home, ['server', 'stop', 'gone'])).code).toBe(0);
    expect((await show('gone')).downSince).toBeNull();
    await waitFor('the alert to resolve', async () =>
      (await events('alert-resolved')).length === 1 ? true : undefined,
    );
    expect(await events('alert-fired')).toHaveLength(1);
  });
});
