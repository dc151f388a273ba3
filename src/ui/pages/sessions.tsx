import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { Action, Failure, Page } from '../components.js';
import { time } from '../format.js';
import { canOperate, useLive, useLoad } from '../live.js';

export function Sessions() {
  const { role } = useLive();
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const { data, error, reload } = useLoad(() => call('listSessions', {}));
  const open = (data ?? []).filter((session) => session.state === 'open');
  return (
    <Page title="Sessions">
      <Failure message={error ?? failure} />
      {open.length === 0 && <p>No open sessions.</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">Transport</th>
            <th scope="col">Server or profile</th>
            <th scope="col">Started</th>
            <th scope="col">Last activity</th>
            <th scope="col">Requests</th>
            <th scope="col">Errors</th>
            {canOperate(role) && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {open.map((session) => (
            <tr key={session.id} data-session={session.id}>
              <td>
                {session.clientName ?? '?'} {session.clientVersion ?? ''}
              </td>
              <td>{session.transport}</td>
              <td>{session.server}</td>
              <td>{time(session.startedAt)}</td>
              <td>{time(session.lastActivity)}</td>
              <td>{session.requests}</td>
              <td>{session.errors}</td>
              {canOperate(role) && (
                <td>
                  <Action
                    label="Kill"
                    danger
                    confirm={`Kill the session of ${session.clientName ?? 'this client'}?`}
                    onError={setFailure}
                    run={async () => {
                      await call('killSession', { id: session.id });
                      reload();
                    }}
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
