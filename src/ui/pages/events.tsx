import { call } from '../api.js';
import { Failure, Page } from '../components.js';
import { time } from '../format.js';
import { useLive, useLoad } from '../live.js';

export function Events() {
  const { events } = useLive();
  return (
    <Page title="Events">
      <ul class="events">
        {events
          .slice()
          .reverse()
          .map((event) => (
            <li key={event.id}>
              <time>{time(event.time)}</time> <strong>{event.type}</strong> {event.server ?? ''} {event.message}
            </li>
          ))}
      </ul>
    </Page>
  );
}

export function Alerts() {
  const { data, error } = useLoad(() => call('listAlerts', {}));
  return (
    <Page title="Alerts">
      <Failure message={error} />
      {data?.length === 0 && <p>No alert rules ('mcpctl alert add').</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">When</th>
            <th scope="col">State</th>
            <th scope="col">Since</th>
            <th scope="col">Servers</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((alert) => (
            <tr key={alert.name}>
              <td>{alert.name}</td>
              <td>
                <code>{alert.when}</code>
              </td>
              <td>{alert.state}</td>
              <td>{time(alert.since)}</td>
              <td>{alert.servers.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
