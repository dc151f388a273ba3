import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertEngine, type CallWindow, type ServerSample } from '../../../../src/core/alerts/alertEngine.js';
import { Notifier } from '../../../../src/core/alerts/notifiers.js';
import { alertRuleSchema } from '../../../../src/core/alerts/rule.js';
import { EventHub } from '../../../../src/core/events/eventHub.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** An engine over a real store and hub, with servers, sessions and call windows the test sets, and its own clock. */
async function rig(when: string) {
  const dir = mkdtempSync(join(tmpdir(), 'mcpctl-engine-'));
  const store = openSqliteStore({ path: join(dir, 'mcpctl.db'), logger: silentLogger });
  const events = new EventHub({ store, logger: silentLogger });
  let now = Date.parse('2026-01-01T00:00:00Z');
  const servers: ServerSample[] = [{ name: 'api', state: 'running', desired: 'running', pid: null, downSince: null }];
  const world = { sessions: 0, calls: undefined as CallWindow | undefined };
  const engine = new AlertEngine({
    events,
    logger: silentLogger,
    intervalMs: 60_000,
    now: () => now,
    notifier: new Notifier({ logger: silentLogger, timeoutMs: 1000, attempts: 1, retryDelayMs: 1 }),
    sources: {
      servers: () => servers,
      sessions: () => world.sessions,
      memoryBytes: () => null,
      callStats: { window: () => world.calls },
    },
  });
  cleanups.push(() => {
    engine.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await engine.start([{ rule: alertRuleSchema.parse({ name: 'r', when, server: 'api' }), source: 'cli' }]);
  const state = () => engine.list()[0]?.state;
  const step = (ms: number) => {
    now += ms;
    engine.evaluate();
    return state();
  };
  return { servers, world, step, state, events, now: () => now };
}

describe('the alert engine', () => {
  it('down for: fires once the server has been down that long (by its own down clock), resolves when it runs', async () => {
    const { servers, step, now } = await rig('down for 30s');
    Object.assign(servers[0] as ServerSample, { state: 'backoff', downSince: now() });
    expect(step(0)).toBe('ok');
    expect(step(29_000)).toBe('ok');
    expect(step(1_000)).toBe('firing');
    Object.assign(servers[0] as ServerSample, { state: 'running', downSince: null });
    expect(step(1)).toBe('ok');
    // Down since before the engine (its daemon) started: it fires on that clock, not 30 s from now.
    Object.assign(servers[0] as ServerSample, { state: 'starting', downSince: now() - 29_500 });
    expect(step(0)).toBe('ok');
    expect(step(500)).toBe('firing');
  });

  it('error-rate and p95 judge the call windows the metrics module gives; no calls is no alert', async () => {
    const errors = await rig('error-rate > 10% in 1m');
    expect(errors.step(0)).toBe('ok');
    errors.world.calls = { calls: 100, errors: 11, p95Ms: 20 };
    expect(errors.step(1)).toBe('firing');
    errors.world.calls = { calls: 0, errors: 0, p95Ms: null };
    expect(errors.step(1)).toBe('ok');
    const latency = await rig('p95 >= 500ms in 5m');
    latency.world.calls = { calls: 10, errors: 0, p95Ms: 499 };
    expect(latency.step(1)).toBe('ok');
    latency.world.calls = { calls: 10, errors: 0, p95Ms: 500 };
    expect(latency.step(1)).toBe('firing');
  });

  it('sessions over a count; fired and resolved are events naming the rule and its server', async () => {
    const crowd = await rig('sessions > 2');
    crowd.world.sessions = 3;
    expect(crowd.step(0)).toBe('firing');
    crowd.world.sessions = 2;
    expect(crowd.step(0)).toBe('ok');
    const recorded = (await crowd.events.query({ types: ['alert-fired', 'alert-resolved'], limit: 10 })).map((e) => [
      e.type,
      e.data?.alert,
      e.data?.server,
    ]);
    expect(recorded).toEqual([
      ['alert-fired', 'r', 'api'],
      ['alert-resolved', 'r', 'api'],
    ]);
  });
});
