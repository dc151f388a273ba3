/**
 * Failed authentications per client address in a sliding window: at `limit` failures within
 * `windowMs` the address is refused (429) until its oldest failure leaves the window. A success
 * does not reset it: a guesser holding one valid token must not buy more guesses with it.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: { limit: number; windowMs: number; now(): number; maxAddresses?: number }) {}

  /** Seconds until the address may try again, or 0 when it may now. */
  retryAfter(address: string): number {
    // Asked on every request: an address with fewer failures than the limit costs one lookup, no copy.
    if ((this.failures.get(address)?.length ?? 0) < this.options.limit) return 0;
    const recent = this.recent(address);
    if (recent.length < this.options.limit) return 0;
    const oldest = recent[recent.length - this.options.limit] ?? this.options.now();
    return Math.max(1, Math.ceil((oldest + this.options.windowMs - this.options.now()) / 1000));
  }

  fail(address: string): void {
    const recent = this.recent(address);
    recent.push(this.options.now());
    // Bounded memory under a spray of addresses: forget the oldest-seen ones first.
    if (!this.failures.has(address) && this.failures.size >= (this.options.maxAddresses ?? 10_000)) {
      const first = this.failures.keys().next().value;
      if (first !== undefined) this.failures.delete(first);
    }
    this.failures.set(address, recent.slice(-this.options.limit));
  }

  private recent(address: string): number[] {
    const since = this.options.now() - this.options.windowMs;
    const kept = (this.failures.get(address) ?? []).filter((time) => time > since);
    if (kept.length === 0) this.failures.delete(address);
    else this.failures.set(address, kept);
    return kept;
  }
}
