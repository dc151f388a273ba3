/**
 * The last minute of one server's or tool's calls, in fixed memory: per-second call and error
 * counts in a ring of 60 slots, and the latest latencies in a ring of SAMPLES (enough for
 * p50/p95 of what `metrics` and `top` show; older samples fall out as new ones come).
 */
const SLOTS = 60;
const SAMPLES = 128;
export const WINDOW_SECONDS = SLOTS;

export interface WindowFigures {
  /** Calls per second over the last minute. */
  callsPerSecond: number;
  /** Calls and errors within the last minute. */
  calls: number;
  errors: number;
  /** Milliseconds, of the calls within the last minute; null with none. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export class RollingWindow {
  private readonly second = new Float64Array(SLOTS);
  private readonly calls = new Uint32Array(SLOTS);
  private readonly errors = new Uint32Array(SLOTS);
  private readonly sampleMs = new Float64Array(SAMPLES);
  private readonly sampleAt = new Float64Array(SAMPLES);
  private samples = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** `at`: the caller's clock reading, when it has one (a call goes into its tool's and its server's window). */
  record(seconds: number, failed: boolean, at = this.now()): void {
    const sec = Math.floor(at / 1000);
    const slot = sec % SLOTS;
    if (this.second[slot] !== sec) {
      this.second[slot] = sec;
      this.calls[slot] = 0;
      this.errors[slot] = 0;
    }
    this.calls[slot] = (this.calls[slot] as number) + 1;
    if (failed) this.errors[slot] = (this.errors[slot] as number) + 1;
    const i = this.samples % SAMPLES;
    this.sampleMs[i] = seconds * 1000;
    this.sampleAt[i] = at;
    this.samples += 1;
  }

  /** Over the last `seconds` (1 to a minute; the alert engine asks for its rule's window). */
  figures(seconds = SLOTS): WindowFigures {
    const span = Math.min(SLOTS, Math.max(1, Math.round(seconds)));
    const at = this.now();
    const sec = Math.floor(at / 1000);
    let calls = 0;
    let errors = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      const age = sec - (this.second[slot] as number);
      if (age < 0 || age >= span) continue;
      calls += this.calls[slot] as number;
      errors += this.errors[slot] as number;
    }
    const recent: number[] = [];
    const kept = Math.min(this.samples, SAMPLES);
    for (let i = 0; i < kept; i++) {
      if (at - (this.sampleAt[i] as number) < span * 1000) recent.push(this.sampleMs[i] as number);
    }
    recent.sort((a, b) => a - b);
    return {
      callsPerSecond: round(calls / span, 3),
      calls,
      errors,
      p50Ms: percentile(recent, 0.5),
      p95Ms: percentile(recent, 0.95),
    };
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(0, Math.ceil(q * sorted.length) - 1);
  return round(sorted[rank] as number, 3);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
