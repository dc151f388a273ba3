import { pointsWithData } from './history.js';

const WIDTH = 80;
const HEIGHT = 20;

/**
 * A tiny line of the last hour (plain SVG: a table row needs no chart library), labelled with the
 * latest value for screen readers; `data-points` says how many points it drew.
 */
export function Sparkline(props: { values: ReadonlyArray<number | null>; label: string; latest: string }) {
  const { values } = props;
  const known = values.flatMap((value, i) => (value === null ? [] : [{ i, value }]));
  const max = Math.max(...known.map((point) => point.value), 0);
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  const y = (value: number): number => (max === 0 ? HEIGHT - 1 : HEIGHT - 1 - (value / max) * (HEIGHT - 2));
  const path = known.map((point) => `${(point.i * step).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ');
  const last = known[known.length - 1];
  return (
    <span class="spark" data-points={pointsWithData(values)}>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.label}>
        {known.length > 1 && <polyline points={path} fill="none" stroke="currentColor" stroke-width="1.5" />}
        {last && <circle cx={last.i * step} cy={y(last.value)} r="2" fill="currentColor" />}
      </svg>
      <span class="spark-value">{props.latest}</span>
    </span>
  );
}
