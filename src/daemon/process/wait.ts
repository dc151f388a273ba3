/**
 * Bounded waits for process teardown. Timers are unref'd: a pending wait must never be
 * what keeps the daemon alive.
 */

const POLL_MS = 20;

/** Resolves true when `promise` settles within `ms`, false otherwise. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}

/**
 * Polls `condition` until it holds or `ms` pass; true when it held. Polling, because
 * processes outside our children (grandchildren, orphans) give no exit event.
 */
export function pollUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + Math.max(0, ms);
  return new Promise((resolve) => {
    const check = (): void => {
      if (condition()) {
        resolve(true);
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        resolve(false);
        return;
      }
      setTimeout(check, Math.min(POLL_MS, left)).unref();
    };
    check();
  });
}
