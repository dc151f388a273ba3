import type { Logger } from '../../shared/logger.js';
import type { EventQuery, NewEvent, Store, StoredEvent } from '../../store/types.js';

/** Where state changes are recorded (the supervisor writes through it). */
export interface EventSink {
  append(event: NewEvent): Promise<StoredEvent>;
}

export type EventListener = (event: StoredEvent) => void;

export interface EventHubDeps {
  store: Store;
  logger: Logger;
  /** How long `appendLater` gathers events before one transaction writes them all. */
  batchMs?: number;
}

const DEFAULT_BATCH_MS = 25;

/**
 * The daemon's event log: every event is written to the store and, once it has its id, handed
 * to the subscribers (`events -f`, the alert engine). `appendLater` is for the gateway's hot path:
 * it returns at once, and events gathered over `batchMs` cost one transaction (one fsync).
 */
export class EventHub implements EventSink {
  private readonly listeners = new Set<EventListener>();
  private pending: NewEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: EventHubDeps) {}

  async append(event: NewEvent): Promise<StoredEvent> {
    const stored = await this.deps.store.events.append(event);
    this.publish(stored);
    return stored;
  }

  appendLater(event: NewEvent): void {
    this.pending.push({ ...event, time: event.time ?? new Date().toISOString() });
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.deps.batchMs ?? DEFAULT_BATCH_MS);
    this.timer.unref();
  }

  /** Resolves once every event appended later so far is written (and published). */
  flushed(): Promise<void> {
    if (this.timer) this.flush();
    return this.chain;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  query(query: EventQuery): Promise<StoredEvent[]> {
    return this.deps.store.events.query(query);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.chain = this.chain
      .then(async () => {
        for (const stored of await this.deps.store.events.appendMany(batch)) this.publish(stored);
      })
      .catch((error: unknown) =>
        this.deps.logger.error({ events: batch.length, err: (error as Error).message }, 'could not record events'),
      );
  }

  private publish(event: StoredEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logger.error({ event: event.type, err: (error as Error).message }, 'an event listener failed');
      }
    }
  }
}
