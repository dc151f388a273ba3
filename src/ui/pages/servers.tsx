import { useState } from 'preact/hooks';
import type { HistoryPoint, ServerView } from '../../core/api.js';
import { serverSpecSchema } from '../../core/servers/definition.js';
import { call } from '../api.js';
import { bytes, FIGURES } from '../charts/history.js';
import { Sparkline } from '../charts/sparkline.js';
import { Action, describe, Failure, Page, StateBadge } from '../components.js';
import { duration } from '../format.js';
import { canAdmin, canOperate, useLive, useLoad } from '../live.js';
import { useRefresh } from '../refresh.js';
import { toolCounts } from '../toolCounts.js';

/** CPU and memory move without an event: one timer for the page reloads them. */
const REFRESH_MS = 10_000;

export function Servers() {
  const { role } = useLive();
  const [filter, setFilter] = useState('');
  const [search, setSearch] = useState('');
  const [profile, setProfile] = useState('');
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const refresh = useRefresh(REFRESH_MS);
  const { data, error, reload } = useLoad(async () => {
    const [servers, sessions, profiles, metrics] = await Promise.all([
      call('listServers', {}),
      call('listSessions', {}),
      call('listProfiles', {}),
      // A token scoped to some servers may not read every server's metrics: the table shows without sparklines.
      call('metrics', { history: true }).catch(() => undefined),
    ]);
    const history = new Map((metrics?.servers ?? []).map((server) => [server.name, server.history ?? []]));
    return { servers, sessions, profiles, history };
  }, [refresh]);
  // Counted through the gateway once the table is shown (and remembered per server start).
  const tools = useLoad(() => toolCounts(data?.servers ?? []), [data]).data;
  const act = async (run: () => Promise<unknown>): Promise<void> => {
    setFailure(undefined);
    await run();
    reload();
  };
  const members = new Set(
    data?.profiles.find((candidate) => candidate.name === profile)?.members.map((member) => member.server) ?? [],
  );
  const rows = (data?.servers ?? []).filter(
    (server) =>
      (filter === '' || server.state === filter) &&
      (profile === '' || members.has(server.name)) &&
      server.name.includes(search.trim()),
  );
  const sessionsOf = (name: string): number =>
    (data?.sessions ?? []).filter((session) => session.server === name && session.state === 'open').length;
  return (
    <Page title="Servers">
      <div class="toolbar">
        <label>
          Search <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <label>
          State{' '}
          <select value={filter} onChange={(e) => setFilter(e.currentTarget.value)}>
            <option value="">all</option>
            {['running', 'stopped', 'starting', 'backoff', 'failed', 'unhealthy'].map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        </label>
        <label>
          Profile{' '}
          <select value={profile} onChange={(e) => setProfile(e.currentTarget.value)}>
            <option value="">any</option>
            {(data?.profiles ?? []).map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Failure message={error ?? failure} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Transport</th>
            <th scope="col">State</th>
            <th scope="col">PID</th>
            <th scope="col">Uptime</th>
            <th scope="col">Restarts</th>
            <th scope="col">CPU</th>
            <th scope="col">Memory</th>
            <th scope="col">Sessions</th>
            <th scope="col">Tools</th>
            <th scope="col">Last error</th>
            {canOperate(role) && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((server: ServerView) => (
            <tr key={server.name} data-server={server.name}>
              <td>
                <a href={`#/servers/${encodeURIComponent(server.name)}`}>{server.name}</a>
              </td>
              <td>{server.transport}</td>
              <td>
                <StateBadge state={server.state} />
              </td>
              <td>{server.pid ?? '—'}</td>
              <td>{duration(server.uptimeSeconds)}</td>
              <td>{server.restarts}</td>
              <Usage name={server.name} history={data?.history.get(server.name) ?? []} />
              <td>{sessionsOf(server.name)}</td>
              <td data-tools>{tools?.get(server.name) ?? '—'}</td>
              <td class="clip">{server.lastError ?? ''}</td>
              {canOperate(role) && (
                <td class="actions">
                  <Action
                    label="Start"
                    onError={setFailure}
                    run={() => act(() => call('startServers', { names: [server.name], wait: false }))}
                  />
                  <Action
                    label="Stop"
                    onError={setFailure}
                    run={() => act(() => call('stopServers', { names: [server.name] }))}
                  />
                  <Action
                    label="Restart"
                    onError={setFailure}
                    run={() => act(() => call('restartServers', { names: [server.name] }))}
                  />
                  {canAdmin(role) && (
                    <Action
                      label="Remove"
                      danger
                      confirm={`Remove server ${server.name}? Its definition and logs are deleted.`}
                      onError={setFailure}
                      run={() => act(() => call('removeServer', { name: server.name }))}
                    />
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canAdmin(role) && <AddServer onAdded={reload} />}
    </Page>
  );
}

/** CPU (% of one core) and memory over the last hour, as sparklines with the latest value. */
function Usage(props: { name: string; history: HistoryPoint[] }) {
  const cpu = props.history.map(FIGURES.cpuPercent);
  const memory = props.history.map((point) => point.rssBytes);
  const known = (value: number | null): value is number => value !== null;
  const lastCpu = cpu.filter(known).at(-1);
  const lastMemory = memory.filter(known).at(-1) ?? null;
  return (
    <>
      <td data-usage="cpu">
        <Sparkline
          values={cpu}
          label={`CPU of ${props.name} over the last hour`}
          latest={lastCpu === undefined ? '—' : `${lastCpu}%`}
        />
      </td>
      <td data-usage="memory">
        <Sparkline values={memory} label={`memory of ${props.name} over the last hour`} latest={bytes(lastMemory)} />
      </td>
    </>
  );
}

/** Validated with the CLI's own schema: a bad value is reported next to its field and nothing is sent. */
function AddServer(props: { onAdded(): void }) {
  const [fields, setFields] = useState({ name: '', transport: 'stdio', command: '', args: '', url: '' });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const set = (key: keyof typeof fields) => (e: { currentTarget: { value: string } }) =>
    setFields({ ...fields, [key]: e.currentTarget.value });
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setFailure(undefined);
    const candidate =
      fields.transport === 'stdio'
        ? {
            name: fields.name,
            transport: 'stdio',
            command: fields.command,
            args: fields.args.trim() === '' ? [] : fields.args.trim().split(/\s+/),
          }
        : { name: fields.name, transport: 'http', url: fields.url };
    const parsed = serverSpecSchema.safeParse(candidate);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) next[String(issue.path[0] ?? 'name')] ??= issue.message;
      setProblems(next);
      return;
    }
    setProblems({});
    try {
      await call('addServer', { spec: parsed.data, wait: false });
      setFields({ name: '', transport: 'stdio', command: '', args: '', url: '' });
      props.onAdded();
    } catch (error) {
      setFailure(describe(error));
    }
  };
  const field = (key: keyof typeof fields, label: string) => (
    <div class="field">
      <label for={`add-${key}`}>{label}</label>
      <input
        id={`add-${key}`}
        value={fields[key]}
        onInput={set(key)}
        aria-invalid={problems[key] ? 'true' : 'false'}
        aria-describedby={problems[key] ? `add-${key}-problem` : undefined}
      />
      {problems[key] && (
        <span class="problem" id={`add-${key}-problem`}>
          {problems[key]}
        </span>
      )}
    </div>
  );
  return (
    <form class="add" onSubmit={submit} aria-labelledby="add-title">
      <h2 id="add-title">Add a server</h2>
      {field('name', 'Name')}
      <div class="field">
        <label for="add-transport">Transport</label>
        <select id="add-transport" value={fields.transport} onChange={set('transport')}>
          <option value="stdio">stdio</option>
          <option value="http">http</option>
        </select>
      </div>
      {fields.transport === 'stdio' ? (
        <>
          {field('command', 'Command')}
          {field('args', 'Arguments (space-separated)')}
        </>
      ) : (
        field('url', 'URL')
      )}
      <button type="submit">Add</button>
      <Failure message={failure} />
    </form>
  );
}
