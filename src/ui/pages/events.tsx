import { call } from '../api.js';
import { Failure, Page } from '../components.js';
import { time } from '../format.js';
import { useLive, useLoad } from '../live.js';

export function Events() {
  return (
    <Page title="Events">
      <EventList />
    </Page>
  );
}

/** The daemon's event stream, newest first (the metrics page shows its latest `limit`). */
export function EventList(props: { limit?: number }) {
  const { events } = useLive();
  return (
    <ul class="events">
      {events
        .slice(props.limit === undefined ? 0 : -props.limit)
        .reverse()
        .map((event) => (
          <li key={event.id}>
            <time>{time(event.time)}</time> <strong>{event.type}</strong> {event.server ?? ''} {event.message}
          </li>
        ))}
    </ul>
  );
}

export function Alerts() {
  return (
    <Page title="Alerts">
      <AlertTable />
    </Page>
  );
}

/** The alert rules and their state. */
export function AlertTable() {
  const { data, error } = useLoad(() => call('listAlerts', {}));
  return (
    <>
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
            <tr key={alert.name} data-alert={alert.name}>
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
    </>
  );
}
