import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { pointsWithData } from './history.js';

export interface Series {
  label: string;
  values: Array<number | null>;
}

/** Distinct on white and for the common colour blindnesses (Okabe-Ito). */
const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'];
const HEIGHT = 180;

/** Times as the clock shows them: one short line per tick (uPlot's default adds a date line that overlaps). */
function clock(seconds: number): string {
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/**
 * A time chart (uPlot) of several series over the same times (seconds since the epoch). The
 * instance is made once and given new data on each render; on the figure, `data-times` says how many
 * times it spans and `data-points`, per series, how many points it holds (what a test reads).
 */
export function LineChart(props: { id: string; title: string; unit: string; times: number[]; series: Series[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const labels = props.series.map((series) => series.label).join('\n');
  const data: uPlot.AlignedData = [props.times, ...props.series.map((series) => series.values)];

  useEffect(() => {
    const target = box.current;
    if (target === null) return;
    const made = new uPlot(
      {
        width: Math.max(280, target.clientWidth),
        height: HEIGHT,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [{ values: (_u, ticks) => ticks.map(clock) }, { label: props.unit, size: 60 }],
        series: [
          {},
          ...props.series.map((series, i) => ({
            label: series.label,
            stroke: COLOURS[i % COLOURS.length] as string,
            width: 2,
            spanGaps: false,
            points: { show: true, size: 4 },
          })),
        ],
      },
      data,
      target,
    );
    plot.current = made;
    const resize = new ResizeObserver(() => made.setSize({ width: Math.max(280, target.clientWidth), height: HEIGHT }));
    resize.observe(target);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = undefined;
    };
    // A new set of series needs a new chart; new values only new data (below).
  }, [labels]);

  useEffect(() => plot.current?.setData(data), [data]);

  const points = Object.fromEntries(props.series.map((series) => [series.label, pointsWithData(series.values)]));
  return (
    <figure class="chart" data-chart={props.id} data-times={props.times.length} data-points={JSON.stringify(points)}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
