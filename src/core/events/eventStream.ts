import type { EventQuery, StoredEvent } from '../../store/types.js';
import { followPushed } from '../logStream.js';
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
  const history: StoredEvent[] = [];
  const told = new Set<number>();
  const events = followPushed<StoredEvent>(
    (listener) => hub.subscribe((event) => (matchesFilter(event, filter) ? listener(event) : undefined)),
    signal,
    async () => {
      history.push(...(await hub.query(filter)));
      for (const event of history) told.add(event.id);
      return history;
    },
  );
  let replayed = 0;
  for await (const event of events) {
    if (replayed < history.length) replayed++;
    else if (told.has(event.id)) continue;
    yield event;
  }
}
