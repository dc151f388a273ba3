import type { LogLine } from './api.js';

export interface Subscribable {
  subscribe(listener: (line: LogLine) => void): () => void;
}

/** Turns a log's push subscription into an async iterable that ends when `signal` aborts. */
export async function* followLines(source: Subscribable, signal: AbortSignal): AsyncIterable<LogLine> {
  const queue: LogLine[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = source.subscribe((line) => {
    queue.push(line);
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    while (!signal.aborted) {
      const line = queue.shift();
      if (line) {
        yield line;
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
