import { describe, expect, it } from 'vitest';
import { policySchema } from '../../../../src/core/servers/definition.js';
import {
  backoffDelay,
  decideRestart,
  EMPTY_HISTORY,
  type FailureHistory,
  withJitter,
} from '../../../../src/core/servers/restartPolicy.js';

const defaults = policySchema.parse({});
const midpoint = () => 0.5; // jitter of exactly zero

/** Feeds `count` failures at `every` ms apart into decideRestart, as a crash loop would. */
function crashLoop(count: number, every: number, policy = defaults) {
  let history: FailureHistory = EMPTY_HISTORY;
  const decisions = [];
  for (let i = 0; i < count; i++) {
    const decision = decideRestart({
      policy,
      history,
      exit: 'failure',
      now: i * every,
      healthyForMs: 0,
      random: midpoint,
    });
    decisions.push(decision);
    history = decision.history;
  }
  return decisions;
}

describe('restart policy at the default values', () => {
  it('uses 1 s doubling capped at 60 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(defaults, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('keeps jitter within ±20 %', () => {
    expect(withJitter(1000, 0.2, () => 0)).toBe(800);
    expect(withJitter(1000, 0.2, () => 0.999999)).toBe(1200);
    expect(withJitter(1000, 0.2, midpoint)).toBe(1000);
  });

  it('restarts five times with growing delays, then gives up on the sixth failure within 120 s', () => {
    const decisions = crashLoop(6, 1000);
    expect(decisions.slice(0, 5).map((d) => (d.action === 'restart' ? d.delayMs : d.action))).toEqual([
      1000, 2000, 4000, 8000, 16_000,
    ]);
    expect(decisions[5]?.action).toBe('give-up');
  });

  it('does not give up when failures are spread wider than the window', () => {
    const decisions = crashLoop(12, 61_000);
    expect(decisions.every((d) => d.action === 'restart')).toBe(true);
  });

  it('resets the delay after 60 s of healthy uptime', () => {
    const [first, second] = crashLoop(2, 1000);
    expect(second?.action === 'restart' && second.delayMs).toBe(2000);
    const afterStableRun = decideRestart({
      policy: defaults,
      history: second?.history ?? EMPTY_HISTORY,
      exit: 'failure',
      now: 70_000,
      healthyForMs: 60_000,
      random: midpoint,
    });
    expect(first?.action).toBe('restart');
    expect(afterStableRun).toMatchObject({ action: 'restart', delayMs: 1000 });
  });

  it('leaves a clean exit down under on-failure, restarts it under always, never restarts under never', () => {
    const base = { history: EMPTY_HISTORY, now: 0, healthyForMs: 0, random: midpoint };
    expect(decideRestart({ ...base, policy: defaults, exit: 'clean' }).action).toBe('stay-stopped');
    expect(decideRestart({ ...base, policy: { ...defaults, restart: 'always' }, exit: 'clean' }).action).toBe(
      'restart',
    );
    expect(decideRestart({ ...base, policy: { ...defaults, restart: 'never' }, exit: 'failure' }).action).toBe(
      'stay-stopped',
    );
  });

  it('gives up at the first failure with maxRestarts 0', () => {
    expect(crashLoop(1, 0, { ...defaults, maxRestarts: 0 })[0]?.action).toBe('give-up');
  });
});
