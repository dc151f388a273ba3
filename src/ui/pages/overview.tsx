import { call } from '../api.js';
import { Failure, Page } from '../components.js';
import { duration } from '../format.js';
import { useLoad } from '../live.js';

export function Overview() {
  const { data, error } = useLoad(async () => {
    const [status, sessions, alerts] = await Promise.all([
      call('daemonStatus', {}),
      call('listSessions', {}),
      call('listAlerts', {}),
    ]);
    return { status, sessions, alerts };
  });
  return (
    <Page title="Overview">
      <Failure message={error} />
      {data && (
        <div class="cards">
          <article class="card" aria-label="servers">
            <h2>Servers</h2>
            <p class="big">{data.status.servers.total}</p>
            <ul>
              {Object.entries(data.status.servers.byState).map(([state, count]) => (
                <li key={state}>
                  {state}: <span data-state-count={state}>{count}</span>
                </li>
              ))}
            </ul>
          </article>
          <article class="card" aria-label="sessions">
            <h2>Sessions</h2>
            <p class="big">{data.sessions.filter((session) => session.state === 'open').length}</p>
            <p>open now</p>
          </article>
          <article class="card" aria-label="alerts">
            <h2>Alerts firing</h2>
            <p class="big">{data.alerts.filter((alert) => alert.state === 'firing').length}</p>
            <p>of {data.alerts.length} rules</p>
          </article>
          <article class="card" aria-label="daemon">
            <h2>Daemon</h2>
            <p class="big">{data.status.version}</p>
            <p>
              up {duration(data.status.uptimeSeconds)}, pid {data.status.pid}
            </p>
            <p>gateway {data.status.gateway?.url ?? 'not listening'}</p>
          </article>
        </div>
      )}
    </Page>
  );
}
