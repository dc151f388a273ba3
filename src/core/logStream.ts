import type { LogLine } from './api.js';

export interface Subscribable {
  subscribe(listener: (line: LogLine) => void): () => void;
}

/**
 * A push subscription as an async iterable that ends when `signal` aborts: first what `before`
 * reads (asked once subscribed, so that nothing pushed meanwhile falls between the two), then
 * every item pushed since subscribing.
 */
export async function* followPushed<T>(
  subscribe: (listener: (item: T) => void) => () => void,
  signal: AbortSignal,
  before?: () => Promise<readonly T[]>,
): AsyncIterable<T> {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = subscribe((item) => {
    queue.push(item);
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    if (before) yield* await before();
    while (!signal.aborted) {
      if (queue.length > 0) {
        yield queue.shift() as T;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', onAbort);
  }
}

/** A log's new lines until `signal` aborts. */
export function followLines(source: Subscribable, signal: AbortSignal): AsyncIterable<LogLine> {
  return followPushed((listener) => source.subscribe(listener), signal);
}
