/**
 * The requests the gateway has taken and not yet answered, and whether it still takes new
 * ones. A stopping daemon closes the gate and waits for the count to reach zero: a counter
 * and a flag, so the hot path pays two additions per request and no timer.
 */
export class RequestGate {
  private inFlight = 0;
  private closed = false;
  private onEmpty: (() => void) | undefined;
  private drained: Promise<boolean> | undefined;

  /** True once draining began: new sessions and requests are refused (503). */
  get draining(): boolean {
    return this.closed;
  }

  get pending(): number {
    return this.inFlight;
  }

  started(count: number): void {
    this.inFlight += count;
  }

  settled(count: number): void {
    this.inFlight -= count;
    if (this.inFlight === 0) this.onEmpty?.();
  }

  /** Closes the gate; resolves true once nothing is in flight, false when `timeoutMs` passes first. A second call shares the first's wait. */
  drain(timeoutMs: number): Promise<boolean> {
    this.drained ??= this.wait(timeoutMs);
    return this.drained;
  }

  private wait(timeoutMs: number): Promise<boolean> {
    this.closed = true;
    if (this.inFlight <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onEmpty = undefined;
        resolve(false);
      }, timeoutMs);
      this.onEmpty = () => {
        clearTimeout(timer);
        this.onEmpty = undefined;
        resolve(true);
      };
    });
  }
}
