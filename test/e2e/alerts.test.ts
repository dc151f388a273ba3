import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertView, EventItem } from '../../src/core/api.js';
import { FIXTURES, mcpctl, mcpctlJson, ROOT, waitFor } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver.js';

// Compressed policies: rules checked every 50 ms, webhook retries 50 ms apart, notifiers cut at 1 s.
const ALERT_ENV = {
  MCPCTL_ALERTS_INTERVAL: '50ms',
  MCPCTL_ALERTS_RETRY_DELAY: '50ms',
  MCPCTL_ALERTS_TIMEOUT: '1s',
};
const CAPTURE = join(ROOT, 'test/fixtures/notify/capture.mjs');

let daemon: TestDaemon;
const receivers: WebhookReceiver[] = [];
beforeAll(async () => {
  daemon = await startTestDaemon(ALERT_ENV);
});
afterAll(async () => {
  await daemon.stop();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiver(failFirst = 0): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(failFirst);
  receivers.push(started);
  return started;
}

async function events(args: string[]): Promise<EventItem[]> {
  const result = await mcpctl(daemon.home, ['events', ...args, '-o', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim() === ''
    ? []
    : result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as EventItem);
}

const alertOf = async (name: string): Promise<AlertView | undefined> =>
  (await mcpctlJson<AlertView[]>(daemon.home, ['alert', 'ls'])).find((view) => view.name === name);

describe('alerts', () => {
  it('a crash loop fires its restarts alert once (one webhook delivery, one command run) and resolves once when stable', async () => {
    const hook = await receiver();
    const captured = join(daemon.home, 'captured.jsonl');
    const add = await mcpctl(daemon.home, [
      'server',
      'add',
      'flappy',
      '--no-autostart',
      '--backoff-initial',
      '50ms',
      '--backoff-max',
      '50ms',
      '--max-restarts',
      '20',
      '--env',
      `COUNT_FILE=${join(daemon.home, 'flappy.count')}`,
      '--env',
      'CRASHES=4',
      '--env',
      'EXIT_AFTER_MS=100',
      '--',
      process.execPath,
      join(FIXTURES, 'crashThenStable.mjs'),
    ]);
    expect(add.code, add.stderr).toBe(0);
    const rule = await mcpctl(daemon.home, [
      'alert',
      'add',
      'flapping',
      '--when',
      'restarts > 2 in 5s',
      '--server',
      'flappy',
      '--notify',
      `webhook:${hook.url}`,
      '--notify',
      `command:${process.execPath} ${CAPTURE} ${captured}`,
    ]);
    expect(rule.code, rule.stderr).toBe(0);
    expect(await alertOf('flapping')).toMatchObject({ state: 'ok', since: null, source: 'cli' });

    expect((await mcpctl(daemon.home, ['server', 'start', 'flappy', '--no-wait'])).code).toBe(0);
    await waitFor('the firing delivery', () => (hook.received.length >= 1 ? true : undefined));
    expect(hook.received[0]?.body).toMatchObject({ alert: 'flapping', status: 'firing', servers: ['flappy'] });
    // (`alert ls` showing a firing rule is checked below, with a rule that keeps firing.)
    expect((hook.received[0]?.body as { since?: string } | undefined)?.since).toMatch(/^\d{4}-/);

    // Four crashes, then it stays up: once the 5 s window holds no more than 2 restarts, it resolves.
    await waitFor('the resolved delivery', () => (hook.received.length >= 2 ? true : undefined), 20_000);
    expect(hook.received.map((entry) => (entry.body as { status: string }).status)).toEqual(['firing', 'resolved']);
    expect(await alertOf('flapping')).toMatchObject({ state: 'ok', since: null });
    const alertEvents = await events(['--type', 'alert-fired,alert-resolved', '--server', 'flappy']);
    expect(alertEvents.map((event) => event.type)).toEqual(['alert-fired', 'alert-resolved']);
    const crashes = await events(['--type', 'crashed', '--server', 'flappy']);
    expect(crashes.length).toBe(4);
    await waitFor('the command notifier', () =>
      existsSync(captured) && readFileSync(captured, 'utf8').trim().split('\n').length === 2 ? true : undefined,
    );
    const notices = readFileSync(captured, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(notices.map((notice) => notice.status)).toEqual(['firing', 'resolved']);
    // Nothing more comes while it stays stable.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received).toHaveLength(2);
  });

  it('retries a webhook that fails twice and delivers on the third try', async () => {
    const hook = await receiver(2);
    const add = await mcpctl(daemon.home, [
      'alert',
      'add',
      'crowded',
      '--when',
      'sessions > 100',
      '--notify',
      `webhook:${hook.url}`,
    ]);
    expect(add.code, add.stderr).toBe(0);
    const tested = await mcpctlJson<{ deliveries: Array<{ ok: boolean; attempts: number }> }>(daemon.home, [
      'alert',
      'test',
      'crowded',
    ]);
    expect(tested.deliveries).toEqual([{ target: `webhook:${hook.url}`, ok: true, attempts: 3, error: null }]);
    expect(hook.received.map((entry) => entry.status)).toEqual([500, 500, 200]);
    expect(hook.received[2]?.body).toMatchObject({ alert: 'crowded', status: 'test' });
    expect((await mcpctl(daemon.home, ['alert', 'rm', 'crowded'])).code).toBe(0);
    expect(await alertOf('crowded')).toBeUndefined();
  });

  it('times out a notifier that hangs, and the daemon answers meanwhile', async () => {
    const add = await mcpctl(daemon.home, [
      'alert',
      'add',
      'stuck',
      '--when',
      'down for 1m',
      '--notify',
      'command:sleep 30',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const started = Date.now();
    const test = mcpctl(daemon.home, ['alert', 'test', 'stuck']);
    // While the notifier hangs, the control API still answers.
    expect((await mcpctl(daemon.home, ['alert', 'ls'])).code).toBe(0);
    const result = await test;
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/command:sleep 30 {2}failed after 1 attempt\(s\): timed out after 1000 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a rule that does not parse (with its column), a webhook that is not http(s), and an unknown server', async () => {
    const bad = await mcpctl(daemon.home, ['alert', 'add', 'x', '--when', 'restarts > x in 10m']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/at column 12: expected a whole number, found 'x'/);
    const noWindow = await mcpctl(daemon.home, ['alert', 'add', 'x', '--when', 'restarts > 3']);
    expect(noWindow.code).toBe(2);
    expect(noWindow.stderr).toMatch(/at column 13: expected 'in', found the end of the rule/);
    const ftp = await mcpctl(daemon.home, [
      'alert',
      'add',
      'x',
      '--when',
      'down for 1m',
      '--notify',
      'webhook:ftp://h/x',
    ]);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toMatch(/a webhook must be http or https, not ftp/);
    const unknown = await mcpctl(daemon.home, ['alert', 'add', 'x', '--when', 'down for 1m', '--server', 'nosuch']);
    expect(unknown.code).toBe(8);
    expect(unknown.stderr).toMatch(/no server named 'nosuch'/);
    expect(await alertOf('x')).toBeUndefined();
  });

  it('a memory rule fires for a running server and alert ls shows it firing, since when', async () => {
    await addRunningServer(
      daemon.home,
      'big',
      ['--health-interval', '1m'],
      [process.execPath, join(FIXTURES, 'sticky.mjs')],
    );
    expect(
      (await mcpctl(daemon.home, ['alert', 'add', 'heavy', '--when', 'memory > 1MB', '--server', 'big'])).code,
    ).toBe(0);
    const heavy = await waitFor('heavy to fire', async () => {
      const view = await alertOf('heavy');
      return view?.state === 'firing' ? view : undefined;
    });
    expect(heavy).toMatchObject({ servers: ['big'], source: 'cli' });
    expect(heavy.since).not.toBeNull();
    const table = await mcpctl(daemon.home, ['alert', 'ls']);
    expect(table.stdout).toMatch(/^NAME +STATE +SINCE +WHEN +SERVER +NOTIFY +SOURCE\n/);
    expect(table.stdout).toMatch(/\nheavy +firing \(big\) +\d+s ago +memory > 1MB +big +log +cli\n/);
    expect(
      (await mcpctl(daemon.home, ['alert', 'add', 'light', '--when', 'memory > 1GiB', '--server', 'big'])).code,
    ).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await alertOf('light'))?.state).toBe('ok');
  });
});
