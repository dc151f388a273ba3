import { useState } from 'preact/hooks';
import type { MethodInput, MethodOutput } from '../../core/api.js';
import { call } from '../api.js';
import { Action, describe, Failure, Page } from '../components.js';
import { canOperate, useLive, useLoad } from '../live.js';

type Report = MethodOutput<'listClients'>[number];
type Preview = MethodOutput<'previewClientInstall'>;
type Install = MethodInput<'previewClientInstall'>;

/** A change shown before it is made: what to call to make it, with the preview's file digest. */
interface Pending {
  verb: 'Install' | 'Uninstall';
  title: string;
  preview: Preview;
  apply(expectedSha256: string): Promise<MethodOutput<'installClient'>>;
}

/** Loads with the message the CLI would print, "Refused:" included for a 403. */
async function described<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new Error(describe(error));
  }
}

/**
 * The AI clients of the daemon's machine (`clients ls`), install and uninstall as the CLI does
 * them, each shown first as the unified diff of the file that it will write.
 */
export function Clients() {
  const { role } = useLive();
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const { data, error, reload } = useLoad(() => described(() => call('listClients', {})));
  const show = async (
    verb: Pending['verb'],
    title: string,
    preview: Promise<Preview>,
    apply: Pending['apply'],
  ): Promise<void> => {
    setFailure(undefined);
    setDone(undefined);
    setPending({ verb, title, preview: await preview, apply });
  };
  const uninstall = (report: Report): Promise<void> =>
    show(
      'Uninstall',
      `Uninstall mcpctl's entries from ${report.title}`,
      call('previewClientUninstall', { client: report.client }),
      (expectedSha256) => call('uninstallClient', { client: report.client, expectedSha256 }),
    );
  return (
    <Page title="Clients">
      <Failure message={error ?? failure} />
      {data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Detected</th>
              <th scope="col">Config file</th>
              <th scope="col">Entries</th>
              <th scope="col">mcpctl's entries</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody>
            {data.map((report) => {
              const file = report.files[0];
              const ours = (file?.entries ?? []).filter((entry) => entry.mcpctl !== null);
              return (
                <tr key={report.client} data-client={report.client}>
                  <td>{report.title}</td>
                  <td>{report.detected ? 'yes' : 'no'}</td>
                  <td>
                    <code>{file?.file ?? '—'}</code>{' '}
                    {file?.error ? <span class="problem">{file.error}</span> : file?.exists ? '' : '(none yet)'}
                  </td>
                  <td>{file?.entries.length ?? 0}</td>
                  <td data-testid="ours">
                    {ours.length === 0
                      ? '—'
                      : ours.map((entry) => `${entry.name} → ${entry.mcpctl?.kind} ${entry.mcpctl?.name}`).join(', ')}
                  </td>
                  <td>
                    {ours.length > 0 && (
                      <Action label="Preview uninstall" onError={setFailure} run={() => uninstall(report)} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {data && (
        <InstallForm
          clients={data}
          onError={setFailure}
          onPreview={(input, title) =>
            show('Install', title, call('previewClientInstall', input), (expectedSha256) =>
              call('installClient', { ...input, expectedSha256 }),
            )
          }
        />
      )}
      {pending && (
        <section class="card wide" aria-labelledby="preview-title">
          <h2 id="preview-title">{pending.title}</h2>
          <p>
            <code>{pending.preview.file}</code>
            {pending.preview.changed ? '' : ': no change'}
          </p>
          {pending.preview.changed && <DiffView diff={pending.preview.diff} />}
          {pending.preview.changed && canOperate(role) && (
            <Action
              label={pending.verb}
              onError={setFailure}
              run={async () => {
                const written = await pending.apply(pending.preview.sha256);
                setPending(undefined);
                setDone(
                  written.changed
                    ? `Wrote ${written.file}${written.backup ? ` (backup: ${written.backup})` : ''}`
                    : `${written.file}: no change`,
                );
                reload();
              }}
            />
          )}
        </section>
      )}
      {done && (
        <p role="status" data-testid="client-done">
          {done}
        </p>
      )}
    </Page>
  );
}

/** A unified diff, its added and removed lines marked (not by colour alone: the +/- stay). */
function DiffView(props: { diff: string }) {
  const kind = (line: string): string =>
    line.startsWith('+++') || line.startsWith('---')
      ? 'file'
      : line.startsWith('+')
        ? 'add'
        : line.startsWith('-')
          ? 'del'
          : line.startsWith('@@')
            ? 'hunk'
            : '';
  return (
    <pre class="diff" data-testid="client-diff">
      {props.diff.split('\n').map((line, index) => (
        <span key={index} class={kind(line)}>
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

/** Which client, what it should reach (a server or a profile) and how; the preview comes first. */
function InstallForm(props: {
  clients: Report[];
  onError(message: string): void;
  onPreview(input: Install, title: string): Promise<void>;
}) {
  const targets = useLoad(async () => ({
    servers: (await call('listServers', {})).map((server) => server.name),
    profiles: (await call('listProfiles', {})).map((profile) => profile.name),
  }));
  const [client, setClient] = useState(props.clients[0]?.client ?? '');
  const [target, setTarget] = useState('');
  const [transport, setTransport] = useState<'stdio' | 'http'>('stdio');
  const chosen = props.clients.find((report) => report.client === client);
  const options = [
    ...(targets.data?.servers ?? []).map((name) => `server:${name}`),
    ...(targets.data?.profiles ?? []).map((name) => `profile:${name}`),
  ];
  const reach = target || options[0] || '';
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const [kind, name = ''] = reach.split(/:(.*)/);
    if (!chosen || name === '') return;
    const input: Install = {
      client: chosen.client,
      ...(kind === 'profile' ? { profile: name } : { servers: [name] }),
      transport: chosen.http ? transport : 'stdio',
    };
    try {
      await props.onPreview(input, `Install ${kind} ${name} into ${chosen.title}`);
    } catch (error) {
      props.onError(describe(error));
    }
  };
  return (
    <form class="add" onSubmit={submit} aria-labelledby="install-title">
      <h2 id="install-title">Install into a client</h2>
      <div class="field">
        <label for="install-client">Client</label>
        <select id="install-client" value={client} onChange={(e) => setClient(e.currentTarget.value)}>
          {props.clients.map((report) => (
            <option key={report.client} value={report.client}>
              {report.title}
              {report.detected ? '' : ' (not detected)'}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="install-target">Reaches</label>
        <select id="install-target" value={reach} onChange={(e) => setTarget(e.currentTarget.value)}>
          {options.map((option) => (
            <option key={option} value={option}>
              {option.replace(':', ' ')}
            </option>
          ))}
        </select>
      </div>
      {chosen?.http && (
        <div class="field">
          <label for="install-transport">Transport</label>
          <select
            id="install-transport"
            value={transport}
            onChange={(e) => setTransport(e.currentTarget.value === 'http' ? 'http' : 'stdio')}
          >
            <option value="stdio">stdio (mcpctl connect)</option>
            <option value="http">http (the gateway URL)</option>
          </select>
        </div>
      )}
      <button type="submit" disabled={options.length === 0}>
        Preview install
      </button>
      {options.length === 0 && <span class="hint">Add a server or a profile first.</span>}
    </form>
  );
}
