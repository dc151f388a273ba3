import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertView } from '../../src/core/api.js';
import { FIXTURES, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

/**
 * The desktop notifier runs `notify-send` (Linux) from the daemon's PATH. A fixture of that name,
 * first on the daemon's PATH, records each run's argv as a JSON line; removing it plays a headless
 * host, where desktop notices are skipped with one log line.
 */
let daemon: TestDaemon;
let bin: string;
let calls: string;
const notifySend = () => join(bin, 'notify-send');

beforeAll(async () => {
  bin = join(tmpdir(), `mcpctl-notify-${process.pid}`);
  mkdirSync(bin, { recursive: true });
  calls = join(bin, 'calls.jsonl');
  writeFileSync(
    notifySend(),
    `#!${process.execPath}\nrequire('node:fs').appendFileSync(${JSON.stringify(calls)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n`,
  );
  chmodSync(notifySend(), 0o755);
  daemon = await startTestDaemon({
    MCPCTL_ALERTS_INTERVAL: '50ms',
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
  });
  // A defined server is all `sessions >= 0` needs to hold: no process has to run.
  const added = await mcpctl(daemon.home, [
    'server',
    'add',
    'quiet',
    '--no-autostart',
    '--',
    process.execPath,
    join(FIXTURES, 'crash.mjs'),
  ]);
  expect(added.code, added.stderr).toBe(0);
});
afterAll(async () => {
  await daemon.stop();
  rmSync(bin, { recursive: true, force: true });
});

const recorded = (): string[][] =>
  existsSync(calls)
    ? readFileSync(calls, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[])
    : [];

async function addFiring(name: string): Promise<void> {
  const add = await mcpctl(daemon.home, [
    'alert',
    'add',
    name,
    '--when',
    'sessions >= 0',
    '--server',
    'quiet',
    '--notify',
    'desktop',
  ]);
  expect(add.code, add.stderr).toBe(0);
  await waitFor(`${name} to fire`, async () => {
    const views = await mcpctlJson<AlertView[]>(daemon.home, ['alert', 'ls']);
    return views.find((view) => view.name === name)?.state === 'firing' ? true : undefined;
  });
}

const daemonLog = (): string => readFileSync(join(daemon.home, 'logs', 'daemon.log'), 'utf8');

describe('the desktop notifier', () => {
  it("an alert firing runs notify-send once, with the alert's name and message", async () => {
    await addFiring('desk');
    await waitFor('the notify-send run', () => (recorded().length > 0 ? true : undefined));
    // It keeps holding: no second notice while it stays firing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const runs = recorded();
    expect(runs).toHaveLength(1);
    const [title, message] = runs[0] as string[];
    expect(title).toBe('mcpctl: desk firing');
    expect(message).toBe('alert desk fired: sessions >= 0 (quiet)');
  });

  it('without notify-send on PATH, notices are skipped with one log line, not an error per alert', async () => {
    rmSync(notifySend());
    await addFiring('desk2');
    await addFiring('desk3');
    const skipped = await waitFor('the skip line', () => {
      const lines = daemonLog()
        .split('\n')
        .filter((line) => line.includes('desktop notifications are skipped'));
      return lines.length > 0 ? lines : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      daemonLog()
        .split('\n')
        .filter((line) => line.includes('desktop notifications are skipped')),
    ).toEqual(skipped.slice(0, 1));
    expect(daemonLog()).not.toContain('alert notification failed');
    expect(recorded()).toHaveLength(1);
    // `alert test` says why nothing showed (and exits 5, as for any notifier that did not deliver).
    const tested = await mcpctl(daemon.home, ['alert', 'test', 'desk2']);
    expect(tested.code).toBe(5);
    expect(tested.stdout).toContain("desktop  skipped: notify-send is not on the daemon's PATH");
  });
});
