import type { HistoryPoint } from '../../core/api.js';

/** One figure of a server's history, per point: null where it has nothing to say (no call, not running). */
export type Figure = (point: HistoryPoint) => number | null;

/** The slot in progress may be a few ms old: a rate over less than a second would be a spike, not a figure. */
const perSecond = (count: number, seconds: number): number => count / Math.max(1, seconds);

export const FIGURES = {
  callsPerSecond: (point) => round(perSecond(point.calls, point.seconds)),
  /** Percent of the calls that failed. */
  errorRate: (point) => (point.calls === 0 ? null : round((100 * point.errors) / point.calls)),
  p95Ms: (point) => point.p95Ms,
  /** Percent of one core over the slot (CPU time counts in 10 ms ticks: not said of less than a second). */
  cpuPercent: (point) =>
    point.cpuSeconds === null || point.seconds < 1 ? null : round((100 * point.cpuSeconds) / point.seconds),
  rssMb: (point) => (point.rssBytes === null ? null : round(point.rssBytes / 1024 / 1024)),
} satisfies Record<string, Figure>;

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** How many points say something: a chart or sparkline with none shows an empty state. */
export function pointsWithData(values: ReadonlyArray<number | null>): number {
  return values.filter((value) => value !== null).length;
}

export function bytes(value: number | null): string {
  if (value === null) return '—';
  if (value < 1024 * 1024) return `${Math.round(value / 1024)} KB`;
  return `${(value / 1024 / 1024).toFixed(1)} MB`;
}
