import type { EventQuery, StoredEvent } from '../../store/types.js';
import type { EventHub } from './eventHub.js';

/** What `events` asks for: the filters of EventQuery, and how many of the newest to start from. */
export type EventFilter = Omit<EventQuery, 'afterId'>;

export function matchesFilter(event: StoredEvent, filter: EventFilter): boolean {
  if (filter.since !== undefined && event.time < filter.since) return false;
  if (filter.types !== undefined && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  if (filter.server === undefined) return true;
  return event.server === filter.server || (event.server === null && event.data?.server === filter.server);
}

/**
 * The history, then every new event, with no gap and no repeat: it subscribes before it reads
 * the history, so an event committed meanwhile is either in the history or in the queue (or both,
 * and then told once, by its id). Ends when `signal` aborts.
 */
export async function* followEvents(
  hub: EventHub,
  filter: EventFilter,
  signal: AbortSignal,
): AsyncIterable<StoredEvent> {
  const queue: StoredEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = hub.subscribe((event) => {
    if (!matchesFilter(event, filter)) return;
    queue.push(event);
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    const history = await hub.query(filter);
    const told = new Set<number>();
    for (const event of history) {
      told.add(event.id);
      yield event;
    }
    while (!signal.aborted) {
      const event = queue.shift();
      if (event) {
        if (!told.has(event.id)) yield event;
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
