import type { MetricsSnapshot } from '../../core/api.js';
import { call } from '../api.js';
import { FIGURES, type Figure } from '../charts/history.js';
import { LineChart } from '../charts/lineChart.js';
import { Failure, Page } from '../components.js';
import { useLoad } from '../live.js';
import { useRefresh } from '../refresh.js';
import { AlertTable, EventList } from './events.js';

/** Calls per second and the latest CPU move without an event: the page reloads every few seconds too. */
const REFRESH_MS = 5000;

type Server = MetricsSnapshot['servers'][number];

/** Each server's points on one time axis: the union of their slot starts (servers seen later have fewer). */
function timeline(servers: readonly Server[], figure: Figure) {
  const starts = [...new Set(servers.flatMap((server) => (server.history ?? []).map((point) => point.start)))].sort(
    (a, b) => a - b,
  );
  const series = servers.map((server) => {
    const byStart = new Map((server.history ?? []).map((point) => [point.start, figure(point)]));
    return { label: server.name, values: starts.map((start) => byStart.get(start) ?? null) };
  });
  return { times: starts.map((start) => start / 1000), series };
}

const CHARTS = [
  { id: 'calls', title: 'Calls per second', unit: 'calls/s', figure: FIGURES.callsPerSecond },
  { id: 'errors', title: 'Error rate', unit: '% of calls', figure: FIGURES.errorRate },
  { id: 'p95', title: 'p95 latency', unit: 'ms', figure: FIGURES.p95Ms },
] as const;

export function Metrics() {
  const refresh = useRefresh(REFRESH_MS);
  const { data, error } = useLoad(() => call('metrics', { history: true }), [refresh]);
  const servers = data?.servers ?? [];
  return (
    <Page title="Metrics and alerts">
      <Failure message={error} />
      {data && !data.enabled && <p>Calls are not counted: metrics.enabled is false in the daemon's settings.</p>}
      <h2>Last hour, per server (one point a minute, the current minute last)</h2>
      <div class="charts">
        {CHARTS.map((chart) => (
          <LineChart
            key={chart.id}
            id={chart.id}
            title={chart.title}
            unit={chart.unit}
            {...timeline(servers, chart.figure)}
          />
        ))}
      </div>
      <table aria-label="last minute per server">
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col">Calls in the last hour</th>
            <th scope="col">Calls/s (last minute)</th>
            <th scope="col">Errors (last minute)</th>
            <th scope="col">p95 (last minute)</th>
          </tr>
        </thead>
        <tbody>
          {servers.map((server) => (
            <tr key={server.name} data-server={server.name}>
              <td>{server.name}</td>
              <td data-calls-hour>{(server.history ?? []).reduce((sum, point) => sum + point.calls, 0)}</td>
              <td>{server.window.callsPerSecond}</td>
              <td>{server.window.errors}</td>
              <td>{server.window.p95Ms === null ? '—' : `${server.window.p95Ms} ms`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Alert rules</h2>
      <AlertTable />
      <h2>
        Latest events (<a href="#/events">all events</a>)
      </h2>
      <EventList limit={20} />
    </Page>
  );
}
