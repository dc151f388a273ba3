import { call } from '../api.js';
import { Failure, Page } from '../components.js';
import { duration } from '../format.js';
import { useLoad } from '../live.js';
import { openedContext } from '../openedContext.js';
import { toolCounts, totalTools } from '../toolCounts.js';

export function Overview() {
  const { data, error } = useLoad(async () => {
    const [status, sessions, alerts, servers] = await Promise.all([
      call('daemonStatus', {}),
      call('listSessions', {}),
      call('listAlerts', {}),
      call('listServers', {}),
    ]);
    return { status, sessions, alerts, servers };
  });
  // Counted through the gateway after the rest is shown: the first render never waits for a server.
  const tools = useLoad(async () => totalTools(await toolCounts(data?.servers ?? [])), [data]).data;
  const running = data?.servers.filter((server) => server.state === 'running').length ?? 0;
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
          <article class="card" aria-label="tools">
            <h2>Tools</h2>
            <p class="big" data-testid="tools-total">
              {tools?.tools ?? '…'}
            </p>
            <p>
              across {tools?.counted ?? 0} of {running} running servers
            </p>
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
          <article class="card" aria-label="context">
            <h2>Context</h2>
            <p class="big" data-testid="context">
              {openedContext() ?? '—'}
            </p>
            <p>
              daemon on <span data-testid="daemon-host">{data.status.host}</span>
              {data.status.remote && <>, remote listener {data.status.remote.url}</>}
            </p>
          </article>
        </div>
      )}
    </Page>
  );
}
