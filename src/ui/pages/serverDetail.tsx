import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LogLine } from '../../core/api.js';
import { call, follow } from '../api.js';
import { Action, Failure, Page, StateBadge } from '../components.js';
import { duration, masked, time } from '../format.js';
import { canOperate, useLive, useLoad } from '../live.js';
import { type Exchange, GatewayClient, type JsonSchema, type ToolInfo } from '../mcp.js';

export function ServerDetail(props: { name: string }) {
  const { name } = props;
  const { role } = useLive();
  const [health, setHealth] = useState<string | undefined>(undefined);
  const { data, error } = useLoad(() => call('getServer', { name }), [name]);
  const client = useMemo(() => GatewayClient.forServer(name), [name]);
  useEffect(() => () => client.close(), [client]);
  return (
    <Page title={`Server ${name}`}>
      <Failure message={error} />
      {data && (
        <dl class="definition">
          <dt>State</dt>
          <dd>
            <StateBadge state={data.state} /> (wanted {data.desired})
          </dd>
          <dt>Health</dt>
          <dd>
            {canOperate(role) && (
              <Action
                label="Ping"
                onError={setHealth}
                run={async () => setHealth(`answered a ping in ${(await call('pingServer', { name })).latencyMs} ms`)}
              />
            )}
            <span role="status">{health ?? ''}</span>
          </dd>
          <dt>Transport</dt>
          <dd>{data.transport}</dd>
          <dt>Command</dt>
          <dd>
            <code>{data.command === null ? data.url : [data.command, ...data.args].join(' ')}</code>
          </dd>
          <dt>Environment</dt>
          <dd>{masked(data.env)}</dd>
          <dt>Headers</dt>
          <dd>{masked(data.headers)}</dd>
          <dt>PID / uptime / restarts</dt>
          <dd>
            {data.pid ?? '—'} / {duration(data.uptimeSeconds)} / {data.restarts}
          </dd>
          <dt>Restart policy</dt>
          <dd>
            {data.policy.restart}, at most {data.policy.maxRestarts} in {data.policy.restartWindowMs / 1000}s
          </dd>
          <dt>Last error</dt>
          <dd>{data.lastError ?? '—'}</dd>
        </dl>
      )}
      <h2>Events</h2>
      <ul class="events">
        {(data?.events ?? [])
          .slice()
          .reverse()
          .map((event) => (
            <li key={event.id}>
              <time>{time(event.time)}</time> <strong>{event.type}</strong> {event.message}
            </li>
          ))}
      </ul>
      <LogPane name={name} />
      {/* Tools are reached through the gateway, which a viewer may not use (the role matrix). */}
      {canOperate(role) ? (
        <>
          <TryTool client={client} running={data?.state === 'running'} />
          <Offers client={client} running={data?.state === 'running'} />
        </>
      ) : (
        <p>Tools, resources and prompts are listed for operators and admins: they go through the gateway.</p>
      )}
    </Page>
  );
}

const MAX_LINES = 500;

/** Follows the server's log like `logs -f`: pause keeps the stream but stops the view. */
function LogPane(props: { name: string }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [paused, setPaused] = useState(false);
  const [stream, setStream] = useState('');
  const [search, setSearch] = useState('');
  const pausedRef = useRef(false);
  pausedRef.current = paused;
  useEffect(() => {
    setLines([]);
    const buffer: LogLine[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    const following = follow(
      'followLogs',
      { name: props.name, tail: 100 },
      {
        item(line) {
          buffer.push(line);
          // Batched: a chatty server repaints the pane at most every 100 ms.
          flush ??= setTimeout(() => {
            flush = undefined;
            if (pausedRef.current) return;
            const taken = buffer.splice(0);
            setLines((current) => [...current, ...taken].slice(-MAX_LINES));
          }, 100);
        },
      },
    );
    return () => {
      following.close();
      if (flush) clearTimeout(flush);
    };
  }, [props.name]);
  const shown = lines.filter((line) => (stream === '' || line.stream === stream) && line.text.includes(search));
  return (
    <section aria-labelledby="logs-title">
      <h2 id="logs-title">Log</h2>
      <div class="toolbar">
        <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? 'Follow' : 'Pause'}
        </button>
        <label>
          Stream{' '}
          <select value={stream} onChange={(e) => setStream(e.currentTarget.value)}>
            <option value="">all</option>
            <option value="stdout">stdout</option>
            <option value="stderr">stderr</option>
          </select>
        </label>
        <label>
          Search <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
      </div>
      <pre class="log" data-testid="log" role="log" aria-label="log lines">
        {shown.map((line) => `${line.time ?? ''} ${line.stream} ${line.text}`).join('\n')}
      </pre>
    </section>
  );
}

/** A form built from the tool's input schema; the call goes through the gateway like any MCP client's. */
function TryTool(props: { client: GatewayClient; running: boolean }) {
  const [tools, setTools] = useState<ToolInfo[] | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState('');
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [result, setResult] = useState<{ answer: unknown; exchange: Exchange[] } | undefined>(undefined);
  useEffect(() => {
    if (!props.running || tools !== undefined) return;
    props.client.listTools().then(
      (list) => {
        setTools(list);
        setSelected(list[0]?.name ?? '');
      },
      (error: unknown) => setFailure(String(error)),
    );
  }, [props.running, props.client]);
  const tool = tools?.find((candidate) => candidate.name === selected);
  const properties = Object.entries(tool?.inputSchema?.properties ?? {});
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!tool) return;
    setFailure(undefined);
    try {
      const args = argumentsOf(properties, values);
      setResult(await props.client.callTool(tool.name, args));
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <section aria-labelledby="tools-title">
      <h2 id="tools-title">Tools</h2>
      {!props.running && <p>Start the server to list and try its tools.</p>}
      <Failure message={failure} />
      {tools && (
        <form onSubmit={submit} class="try">
          <div class="field">
            <label for="tool-select">Tool ({tools.length})</label>
            <select
              id="tool-select"
              value={selected}
              onChange={(e) => {
                setSelected(e.currentTarget.value);
                setValues({});
                setResult(undefined);
              }}
            >
              {tools.map((candidate) => (
                <option key={candidate.name} value={candidate.name}>
                  {candidate.name}
                </option>
              ))}
            </select>
          </div>
          {tool?.description && <p class="hint">{tool.description}</p>}
          {properties.map(([key, schema]) => (
            <ArgumentField
              key={`${selected}-${key}`}
              name={key}
              schema={schema}
              required={tool?.inputSchema?.required?.includes(key) ?? false}
              value={values[key]}
              onChange={(value) => setValues({ ...values, [key]: value })}
            />
          ))}
          <button type="submit">Call {selected}</button>
        </form>
      )}
      {result && (
        <>
          <h3>Result</h3>
          <pre class="result" data-testid="tool-result">
            {JSON.stringify((result.answer as { result?: unknown; error?: unknown }).result ?? result.answer, null, 2)}
          </pre>
          <details>
            <summary>Raw JSON-RPC</summary>
            <pre data-testid="tool-raw">
              {result.exchange
                .map((step) => `→ ${JSON.stringify(step.request)}\n← ${JSON.stringify(step.response)}`)
                .join('\n')}
            </pre>
          </details>
        </>
      )}
    </section>
  );
}

function ArgumentField(props: {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: string | boolean | undefined;
  onChange(value: string | boolean): void;
}) {
  const id = `arg-${props.name}`;
  const type = Array.isArray(props.schema.type) ? props.schema.type[0] : props.schema.type;
  const label = `${props.name}${props.required ? ' (required)' : ''}`;
  if (type === 'boolean') {
    return (
      <div class="field">
        <label for={id}>{label}</label>
        <input
          id={id}
          type="checkbox"
          checked={props.value === true}
          onChange={(e) => props.onChange(e.currentTarget.checked)}
        />
      </div>
    );
  }
  const complex = type === 'object' || type === 'array';
  return (
    <div class="field">
      <label for={id}>
        {label}
        {complex ? ' (JSON)' : ''}
      </label>
      <input
        id={id}
        type="text"
        inputMode={type === 'number' || type === 'integer' ? 'decimal' : 'text'}
        required={props.required}
        value={typeof props.value === 'string' ? props.value : ''}
        onInput={(e) => props.onChange(e.currentTarget.value)}
      />
      {props.schema.description && <span class="hint">{props.schema.description}</span>}
    </div>
  );
}

function argumentsOf(
  properties: [string, JsonSchema][],
  values: Record<string, string | boolean>,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, schema] of properties) {
    const value = values[key];
    if (value === undefined || value === '') continue;
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (typeof value === 'boolean') args[key] = value;
    else if (type === 'number' || type === 'integer') args[key] = Number(value);
    else if (type === 'object' || type === 'array') args[key] = JSON.parse(value);
    else args[key] = value;
  }
  return args;
}

function Offers(props: { client: GatewayClient; running: boolean }) {
  const [offers, setOffers] = useState<{ resources: string[]; prompts: string[] } | undefined>(undefined);
  useEffect(() => {
    if (!props.running || offers !== undefined) return;
    props.client.listOthers().then(setOffers, () => setOffers({ resources: [], prompts: [] }));
  }, [props.running, props.client]);
  if (offers === undefined) return null;
  return (
    <section aria-labelledby="offers-title">
      <h2 id="offers-title">Resources and prompts</h2>
      <h3>Resources ({offers.resources.length})</h3>
      <ul>
        {offers.resources.slice(0, 50).map((uri) => (
          <li key={uri}>
            <code>{uri}</code>
          </li>
        ))}
      </ul>
      <h3>Prompts ({offers.prompts.length})</h3>
      <ul>
        {offers.prompts.map((prompt) => (
          <li key={prompt}>
            <code>{prompt}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
