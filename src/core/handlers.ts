import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { readLogLines } from '../daemon/monitor/logReader.js';
import { McpctlError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Paths } from '../shared/paths.js';
import { serverLogPath } from '../shared/paths.js';
import type { Store } from '../store/types.js';
import { type AlertHandlerDeps, createAlertHandlers } from './alerts/alertHandlers.js';
import type { ControlHandlers, DaemonStatus, LogLine } from './api.js';
import { type AuditHandlerDeps, createAuditHandlers } from './audit/auditHandlers.js';
import { createTokenHandlers } from './auth/tokenHandlers.js';
import type { TokenService } from './auth/tokens.js';
import { createBackupHandlers } from './backup/backupHandlers.js';
import { type ClientHandlerDeps, createClientHandlers } from './clients/clientHandlers.js';
import { createNodeHandlers } from './cluster/nodeHandlers.js';
import { createDeclarativeHandlers, type DeclarativeHandlerDeps } from './config/declarativeHandlers.js';
import type { Settings } from './config/settings.js';
import { createDashboardHandlers, type DashboardHandlerDeps } from './dashboard/dashboardHandlers.js';
import { createEventHandlers, type EventHandlerDeps } from './events/eventHandlers.js';
import { SERVER_EVENT_TYPES } from './events/eventTypes.js';
import { followLines, type Subscribable } from './logStream.js';
import { lineFilter, withLevel } from './logs/lineFilter.js';
import { SessionTraffic } from './logs/sessionTraffic.js';
import { type DaemonMetrics, UsageSampler } from './metrics/daemonMetrics.js';
import { createMetricsHandlers } from './metrics/metricsHandlers.js';
import type { MetricsHistory } from './metrics/metricsHistory.js';
import type { ProfileCatalogs } from './profiles/catalog.js';
import { createProfileHandlers } from './profiles/profileHandlers.js';
import type { ProfileRegistry } from './profiles/registry.js';
import { createSecretHandlers } from './secrets/secretHandlers.js';
import type { SecretVault } from './secrets/vault.js';
import { serverSpecSchema } from './servers/definition.js';
import { applyServerPatch } from './servers/patch.js';
import type { Supervisor } from './servers/supervisor.js';
import { type ServerEntry, toServerView } from './servers/views.js';
import type { GatewayControl } from './sessions/gatewayControl.js';
import { createGatewayHandlers } from './sessions/gatewayHandlers.js';
import type { StoreInfo } from './storeSelection.js';
import { parseInput } from './validation.js';

export interface HandlerDeps
  extends DeclarativeHandlerDeps,
    EventHandlerDeps,
    AlertHandlerDeps,
    AuditHandlerDeps,
    DashboardHandlerDeps {
  paths: Paths;
  settings: Settings;
  store: Store;
  supervisor: Supervisor;
  version: string;
  startedAt: number;
  daemonLog: Subscribable;
  serverLog(name: string): Subscribable;
  requestStop(): void;
  /** The running gateway: its address and its live sessions. */
  gateway: GatewayControl;
  profiles: ProfileRegistry;
  /** The encrypted secrets (`secret` verbs; values only ever go to spawned servers). */
  vault: SecretVault;
  /** What each profile's endpoint serves (the gateway's); without it `profile show` says "not available". */
  profileCatalogs?: ProfileCatalogs;
  logger: Logger;
  now(): number;
  /** Each gateway session's recent requests (`logs --session`). */
  traffic?: SessionTraffic;
  /** Reads the settings again and applies the live ones; resolves the settings now in force. */
  reloadSettings?(): Promise<Settings>;
  /** Absent when `metrics.enabled` is false. */
  metrics?: DaemonMetrics;
  /** Servers' process usage for `metrics` and `top` (absent: read on demand, uncached). */
  usage?: UsageSampler;
  /** Each server's last hour for `metrics` with `history` (absent: none is kept). */
  history?: MetricsHistory;
  tokens: TokenService;
  /** The remote listener once it listens (`daemon status` prints it); null when there is none. */
  remote?: () => DaemonStatus['remote'];
  /** The store's backend and where it is; absent: the SQLite file of `paths`. */
  storeInfo?: StoreInfo;
  /** Whose AI-client files the daemon edits, and how they run mcpctl; absent: this process's. */
  clients?: Omit<ClientHandlerDeps, 'lookups'>;
  /** This daemon's node name (core/cluster/nodeName.ts). */
  node: string;
  /** In a cluster: where each server runs, read from the store's leases and nodes. Absent: this daemon alone. */
  whereRunning?(): Promise<ReadonlyMap<string, readonly string[]>>;
}

/** How long past its start timeout a started server may take to be placed on a node, and how often that is checked. */
const PLACEMENT_WAIT_MS = 20_000;
const PLACEMENT_POLL_MS = 200;

/** States in which an instance serves: this daemon's node runs it. */
const SERVING = new Set(['running', 'unhealthy']);

/** The settings a running daemon applies when told to reload (the rest need a restart). */
const LIVE_SETTINGS = [['logs', 'level']] as const;

async function* filtered(
  lines: AsyncIterable<LogLine>,
  keep: ((line: LogLine) => boolean) | undefined,
): AsyncIterable<LogLine> {
  for await (const line of lines) if (keep === undefined || keep(line)) yield withLevel(line);
}

/** The daemon's side of ControlApi: inputs arrive validated by the schemas of api.ts. */
export function createHandlers(deps: HandlerDeps): ControlHandlers {
  const { supervisor, paths, gateway } = deps;
  const traffic = deps.traffic ?? new SessionTraffic();
  const gatewayHandlers = createGatewayHandlers(deps);
  /** This daemon's node when its own instance serves (the cluster's answer comes from `whereRunning`). */
  const localNodes = (entry: ServerEntry): string[] => (SERVING.has(entry.instance.state) ? [deps.node] : []);
  const view = (entry: ServerEntry, where?: ReadonlyMap<string, readonly string[]>) =>
    toServerView(entry, deps.now(), where?.get(entry.spec.name) ?? localNodes(entry));
  const views = (entries: readonly ServerEntry[], where?: ReadonlyMap<string, readonly string[]>) =>
    entries.map((entry) => view(entry, where));
  // The store away, `ls` answers from memory as it always did: this node's own instances.
  const whereRunning = async () => deps.whereRunning?.().catch(() => undefined);
  /**
   * In a cluster a start may be another node's to carry out: waits until every server started
   * runs on some node (or its start timeout has passed), so `start` answers as on one daemon.
   */
  const placedSomewhere = async (entries: readonly ServerEntry[]) => {
    if (deps.whereRunning === undefined) return undefined;
    const limit = Math.max(...entries.map((entry) => entry.spec.policy.startTimeoutMs), 0);
    const deadline = deps.now() + limit + PLACEMENT_WAIT_MS;
    for (;;) {
      const where = await whereRunning();
      const waiting = entries.some(
        (entry) => (where?.get(entry.spec.name)?.length ?? 0) === 0 && entry.instance.state !== 'failed',
      );
      if (!waiting || deps.now() >= deadline) return where;
      await delay(PLACEMENT_POLL_MS);
    }
  };

  const logSource = (name: string | undefined): { path: string; format: 'server' | 'json' } => {
    if (name === undefined) return { path: paths.daemonLog, format: 'json' };
    supervisor.get(name);
    return { path: serverLogPath(paths, name), format: 'server' };
  };

  const handlers: ControlHandlers = {
    async daemonStatus() {
      const byState: Record<string, number> = {};
      for (const entry of supervisor.list()) byState[entry.instance.state] = (byState[entry.instance.state] ?? 0) + 1;
      return {
        pid: process.pid,
        host: hostname(),
        version: deps.version,
        startedAt: new Date(deps.startedAt).toISOString(),
        uptimeSeconds: Math.floor((deps.now() - deps.startedAt) / 1000),
        socket: paths.socket,
        home: paths.stateDir,
        database: paths.database,
        store: deps.storeInfo ?? { backend: 'sqlite', location: paths.database },
        logFile: paths.daemonLog,
        servers: { total: supervisor.list().length, byState },
        gateway: gateway.url === null || gateway.port === null ? null : { url: gateway.url, port: gateway.port },
        secrets: await deps.vault.status(),
        remote: deps.remote?.() ?? null,
        node: deps.node,
      };
    },
    async daemonStop() {
      // Answer first: the stop closes this very listener.
      setImmediate(deps.requestStop);
      return { stopping: true, drainTimeoutMs: deps.settings.gateway.drainTimeout };
    },
    async addServer({ spec, wait }) {
      const entry = await supervisor.add(spec, { wait });
      const where = entry.spec.autostart && wait !== false ? await placedSomewhere([entry]) : undefined;
      return { ...view(entry, where), alreadyExisted: entry.alreadyExisted };
    },
    async updateServer(input) {
      const entry =
        'spec' in input
          ? await supervisor.update(input.spec)
          : await supervisor.edit(input.name, (current) =>
              parseInput(serverSpecSchema, applyServerPatch(current, input.patch), `definition of '${input.name}'`),
            );
      return { ...view(entry), changed: entry.changed, rolled: entry.rolled };
    },
    async getServerSpec({ name }) {
      return { spec: supervisor.get(name).spec };
    },
    async listServers() {
      return views(supervisor.list(), await whereRunning());
    },
    async getServer({ name }) {
      const entry = supervisor.get(name);
      const events = await deps.store.events.query({ server: name, types: SERVER_EVENT_TYPES, limit: 20 });
      return {
        ...view(entry, await whereRunning()),
        logFile: serverLogPath(paths, name),
        events: events.map(({ id, time, server, type, message }) => ({ id, time, server, type, message })),
      };
    },
    async startServers({ wait, ...targets }) {
      const entries = await supervisor.start(targets, { wait });
      return views(entries, wait === false ? await whereRunning() : await placedSomewhere(entries));
    },
    async stopServers(targets) {
      return views(await supervisor.stop(targets));
    },
    async restartServers(targets) {
      return views(await supervisor.restart(targets));
    },
    async readLogs(query) {
      const source = logSource(query.name);
      const keep = lineFilter(query);
      const lines: LogLine[] = readLogLines(source.path, {
        ...(query.tail === undefined ? {} : { tail: query.tail }),
        ...(query.since === undefined ? {} : { since: new Date(query.since) }),
        ...(keep === undefined ? {} : { filter: keep }),
        keep: deps.settings.logs.keep,
        format: source.format,
      });
      return { lines: lines.map(withLevel) };
    },
    async sessionTraffic({ id: given }, call) {
      // A whole id, else a unique prefix of one (as `session show` takes it).
      const id =
        traffic.entries(given) === undefined ? (await gatewayHandlers.getSession({ id: given }, call)).id : given;
      const requests = traffic.entries(id);
      if (requests === undefined) {
        throw new McpctlError('NOT_FOUND', `no requests recorded for session '${id}'`, {
          hint: "the daemon keeps the recent requests of its recent sessions in memory (not across restarts); list sessions with 'mcpctl session ls --all'",
        });
      }
      return { id, requests };
    },
    async reloadSettings() {
      if (deps.reloadSettings === undefined) return { applied: {}, restart: [] };
      const fresh = await deps.reloadSettings();
      const applied: Record<string, unknown> = {};
      for (const [section, name] of LIVE_SETTINGS) applied[`${section}.${name}`] = fresh[section][name];
      const restart: string[] = [];
      const started = deps.settings as unknown as Record<string, Record<string, unknown>>;
      const now = fresh as unknown as Record<string, Record<string, unknown>>;
      for (const [section, values] of Object.entries(now)) {
        for (const [name, value] of Object.entries(values)) {
          const key = `${section}.${name}`;
          if (key in applied || section === 'cli') continue;
          if (JSON.stringify(started[section]?.[name]) !== JSON.stringify(value)) restart.push(key);
        }
      }
      return { applied, restart };
    },
    async pingServer({ name }) {
      const { instance, spec } = supervisor.get(name);
      const runner = instance.state === 'running' || instance.state === 'unhealthy' ? instance.runner : undefined;
      if (!runner) {
        throw new McpctlError('SERVER_FAILED', `server '${name}' is ${instance.state}, so it cannot answer a ping`, {
          hint: `start it with 'mcpctl server start ${name}'`,
        });
      }
      const started = performance.now();
      await runner.ping(spec.policy.healthTimeoutMs);
      return { name, latencyMs: Math.round((performance.now() - started) * 1000) / 1000 };
    },
    ...gatewayHandlers,
    ...createProfileHandlers(deps),
    ...createDeclarativeHandlers(deps),
    ...createEventHandlers(deps),
    ...createAlertHandlers(deps),
    ...createSecretHandlers(deps),
    ...createBackupHandlers(deps),
    ...createAuditHandlers(deps),
    ...createMetricsHandlers({
      supervisor,
      gateway,
      metrics: deps.metrics,
      usage: deps.usage ?? deps.metrics?.usage ?? new UsageSampler({ servers: () => supervisor.list(), now: deps.now }),
      history: deps.history,
      now: deps.now,
    }),
    ...createTokenHandlers(deps),
    ...createNodeHandlers(deps),
    ...createDashboardHandlers(deps),
    ...createClientHandlers({
      ...(deps.clients ?? {
        clientEnv: { env: process.env, platform: process.platform, cwd: process.cwd() },
        self: { node: process.execPath, script: process.argv[1] ?? '', env: {} },
      }),
      // An install checks the servers and profiles it names, as the caller sees them.
      lookups: (call) => ({
        listServers: (input) => handlers.listServers(input, call),
        getProfile: (input) => handlers.getProfile(input, call),
        serverUrl: (input) => handlers.serverUrl(input, call),
        profileUrl: (input) => handlers.profileUrl(input, call),
        currentProfile: (input) => handlers.currentProfile(input, call),
      }),
    }),
    followLogs(query, _call, signal) {
      const keep = lineFilter(query);
      if (query.name === undefined) return filtered(followLines(deps.daemonLog, signal), keep);
      supervisor.get(query.name);
      return filtered(followLines(deps.serverLog(query.name), signal), keep);
    },
  };
  return handlers;
}
