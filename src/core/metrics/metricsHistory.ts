import type { TreeUsage } from '../../daemon/process/processTree.js';
import type { HistoryPoint } from '../api.js';

/**
 * The last hour of each server, in bounded memory: one point per slot (a minute by default, 60
 * kept), rolled from what the meters and the usage sampler already hold. Nothing runs per call:
 * a timer reads the servers' call totals, their rolling window's p95 and their process-tree usage
 * once per slot, and the in-progress slot is computed the same way when asked.
 */
export const HISTORY_SLOTS = 60;
export const HISTORY_SLOT_MS = 60_000;

export interface HistorySources {
  /** The servers defined now: the history of a removed one goes with it. */
  servers(): string[];
  /** tools/call answers since the daemon started; undefined before the server's first call. */
  callTotals(server: string): { calls: number; errors: number } | undefined;
  /** p95 of the calls within the last `seconds` (at most a minute is kept). */
  p95Ms(server: string, seconds: number): number | null;
  /** Usage of every server's process tree (cached by the sampler); null without /proc. */
  usage(): ReadonlyMap<string, TreeUsage> | null;
  now(): number;
}

interface Track {
  points: HistoryPoint[];
  /** Totals and CPU seconds at the last roll: each point is the difference. */
  calls: number;
  errors: number;
  cpuSeconds: number;
}

export class MetricsHistory {
  private readonly tracks = new Map<string, Track>();
  private rolledAt: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  readonly slotMs: number;
  readonly slots: number;

  constructor(
    private readonly sources: HistorySources,
    options: { slotMs?: number | undefined; slots?: number | undefined } = {},
  ) {
    this.slotMs = options.slotMs ?? HISTORY_SLOT_MS;
    this.slots = options.slots ?? HISTORY_SLOTS;
    this.rolledAt = sources.now();
  }

  /** Rolls once per slot until stop(); the timer never keeps the daemon alive. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.roll(), this.slotMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Closes the slot in progress: each server gets its point, the oldest beyond `slots` falls out. */
  roll(): void {
    const at = this.sources.now();
    const usage = this.sources.usage();
    const names = new Set(this.sources.servers());
    for (const name of this.tracks.keys()) if (!names.has(name)) this.tracks.delete(name);
    for (const name of names) {
      const track = this.track(name);
      const point = this.pending(name, track, at, usage);
      track.points.push(point);
      if (track.points.length > this.slots) track.points.splice(0, track.points.length - this.slots);
      const totals = this.sources.callTotals(name);
      track.calls = totals?.calls ?? 0;
      track.errors = totals?.errors ?? 0;
      track.cpuSeconds = usage?.get(name)?.cpuSeconds ?? 0;
    }
    this.rolledAt = at;
  }

  /** The closed slots, oldest first, then the one in progress. */
  points(name: string): HistoryPoint[] {
    const track = this.tracks.get(name) ?? { points: [], calls: 0, errors: 0, cpuSeconds: 0 };
    return [...track.points, this.pending(name, track, this.sources.now(), this.sources.usage())];
  }

  private track(name: string): Track {
    let track = this.tracks.get(name);
    if (track === undefined) {
      // A server first seen now started after the last roll (or has never run): all it counted is this slot's.
      track = { points: [], calls: 0, errors: 0, cpuSeconds: 0 };
      this.tracks.set(name, track);
    }
    return track;
  }

  private pending(name: string, track: Track, at: number, usage: ReadonlyMap<string, TreeUsage> | null): HistoryPoint {
    const seconds = Math.max(0, (at - this.rolledAt) / 1000);
    const totals = this.sources.callTotals(name) ?? { calls: 0, errors: 0 };
    const calls = since(totals.calls, track.calls);
    const tree = usage?.get(name);
    return {
      start: this.rolledAt,
      seconds: Math.round(seconds * 1000) / 1000,
      calls,
      errors: since(totals.errors, track.errors),
      p95Ms: calls > 0 ? this.sources.p95Ms(name, Math.max(1, seconds)) : null,
      // A restarted server's new process tree counts from zero again.
      cpuSeconds: tree === undefined ? null : Math.round(since(tree.cpuSeconds, track.cpuSeconds) * 1000) / 1000,
      rssBytes: tree?.rssBytes ?? null,
    };
  }
}

/** What a counter added since `before`; a counter that went back (a new process) counts from zero. */
function since(now: number, before: number): number {
  return now >= before ? now - before : now;
}
