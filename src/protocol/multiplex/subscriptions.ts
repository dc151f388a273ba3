/**
 * Resource subscriptions ref-counted per uri across sessions: the upstream holds one
 * subscription per uri, taken by the first subscriber and released by the last.
 */
export class SubscriptionBook<S> {
  private readonly byUri = new Map<string, Set<S>>();

  /** Adds a subscriber; true when it is the first, i.e. the upstream must be asked. */
  add(uri: string, session: S): boolean {
    const subscribers = this.byUri.get(uri);
    if (subscribers === undefined) {
      this.byUri.set(uri, new Set([session]));
      return true;
    }
    subscribers.add(session);
    return false;
  }

  /** Removes a subscriber; true when it was the last, i.e. the upstream must be released. */
  remove(uri: string, session: S): boolean {
    const subscribers = this.byUri.get(uri);
    if (subscribers === undefined || !subscribers.delete(session)) return false;
    if (subscribers.size > 0) return false;
    this.byUri.delete(uri);
    return true;
  }

  subscribers(uri: string): ReadonlySet<S> | undefined {
    return this.byUri.get(uri);
  }

  /** Every uri someone holds: what a restarted upstream must be subscribed to again. */
  uris(): IterableIterator<string> {
    return this.byUri.keys();
  }
}
