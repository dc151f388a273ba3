import type { McpctlError } from '../../shared/errors.js';

/** A failed attempt worth another one; `network`: the daemon or its gateway could not be reached. */
export class RetryableFailure extends Error {
  constructor(
    message: string,
    readonly network: boolean,
  ) {
    super(message);
  }
}

export interface BackoffOptions {
  /** How long attempts may go on, from the first one. */
  timeoutMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Wait `initialDelayMs` before the first attempt too (the last loss was a moment ago). */
  delayFirst: boolean;
  /** Aborted: stop at once (the client went away). */
  signal: AbortSignal;
  /** The error to throw when the time is up, given the last failure. */
  timedOut(last: RetryableFailure): McpctlError;
}

/**
 * Runs `attempt` until it succeeds, throws something other than a RetryableFailure, or the
 * time is up; the delay between attempts doubles up to a cap. `attempt` gets its deadline
 * so that it can bound its own requests.
 */
export async function withBackoff<T>(attempt: (deadline: number) => Promise<T>, options: BackoffOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.initialDelayMs;
  if (options.delayFirst) await sleep(delay, options.signal);
  for (;;) {
    options.signal.throwIfAborted();
    let last: RetryableFailure;
    try {
      return await attempt(deadline);
    } catch (error) {
      if (!(error instanceof RetryableFailure)) throw error;
      last = error;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw options.timedOut(last);
    await sleep(Math.min(delay, left), options.signal);
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
