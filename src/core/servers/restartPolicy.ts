import type { Policy } from './definition.js';

/**
 * Restart decisions as pure functions of the policy, the failure history and
 * the clock, so they can be unit-tested at real values with a fake clock.
 */
export interface FailureHistory {
  /** Times (ms) of recent failures, oldest first; only those inside the window matter. */
  failures: number[];
  /** Index into the backoff sequence: 0 → backoffInitialMs. */
  attempt: number;
}

export type ExitKind = 'clean' | 'failure';

export type RestartDecision =
  | { action: 'restart'; delayMs: number; history: FailureHistory }
  | { action: 'give-up'; history: FailureHistory }
  | { action: 'stay-stopped'; history: FailureHistory };

export const EMPTY_HISTORY: FailureHistory = { failures: [], attempt: 0 };

/** Base delay of the n-th restart before jitter: initial × factor^n, capped. */
export function backoffDelay(policy: Policy, attempt: number): number {
  const raw = policy.backoffInitialMs * policy.backoffFactor ** attempt;
  return Math.min(raw, policy.backoffMaxMs);
}

/** ±jitter around `delay`; `random` returns [0, 1). Jitter keeps many servers from restarting in lockstep. */
export function withJitter(delay: number, jitter: number, random: () => number): number {
  const spread = delay * jitter;
  return Math.max(0, Math.round(delay - spread + random() * 2 * spread));
}

/**
 * What to do after an instance ended (crash, exit, failed handshake or health).
 * `healthyForMs` is how long it had been running since its last start (0 if it never got there).
 */
export function decideRestart(input: {
  policy: Policy;
  history: FailureHistory;
  exit: ExitKind;
  now: number;
  healthyForMs: number;
  random: () => number;
}): RestartDecision {
  const { policy, exit, now, random } = input;
  const stable = input.healthyForMs >= policy.stableAfterMs;
  const attempt = stable ? 0 : input.history.attempt;
  const windowStart = now - policy.restartWindowMs;
  const recent = input.history.failures.filter((time) => time > windowStart);

  if (policy.restart === 'never' || (policy.restart === 'on-failure' && exit === 'clean')) {
    return { action: 'stay-stopped', history: { failures: recent, attempt } };
  }
  const failures = [...recent, now];
  if (failures.length > policy.maxRestarts) {
    return { action: 'give-up', history: { failures, attempt } };
  }
  const delayMs = withJitter(backoffDelay(policy, attempt), policy.backoffJitter, random);
  return { action: 'restart', delayMs, history: { failures, attempt: attempt + 1 } };
}
