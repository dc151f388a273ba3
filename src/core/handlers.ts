import { readLogLines } from '../daemon/monitor/logReader.js';
import { McpctlError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Paths } from '../shared/paths.js';
import { serverLogPath } from '../shared/paths.js';
import type { Store } from '../store/types.js';
import { type AlertHandlerDeps, createAlertHandlers } from './alerts/alertHandlers.js';
import type { ControlHandlers, LogLine } from './api.js';
import { createDeclarativeHandlers, type DeclarativeHandlerDeps } from './config/declarativeHandlers.js';
import type { Settings } from './config/settings.js';
import { createDashboardHandlers, type DashboardHandlerDeps } from './dashboard/dashboardHandlers.js';
import { createEventHandlers, type EventHandlerDeps } from './events/eventHandlers.js';
import { SERVER_EVENT_TYPES } from './events/eventTypes.js';
import { followLines, type Subscribable } from './logStream.js';
import type { ProfileCatalogs } from './profiles/catalog.js';
import { createProfileHandlers } from './profiles/profileHandlers.js';
import type { ProfileRegistry } from './profiles/registry.js';
import { createSecretHandlers } from './secrets/secretHandlers.js';
import type { SecretVault } from './secrets/vault.js';
import { serverSpecSchema } from './servers/definition.js';
import { applyServerPatch } from './servers/patch.js';
import type { Supervisor } from './servers/supervisor.js';
import { toServerView } from './servers/views.js';
import type { GatewayControl } from './sessions/gatewayControl.js';
import { createGatewayHandlers } from './sessions/gatewayHandlers.js';
import { parseInput } from './validation.js';

export interface HandlerDeps extends DeclarativeHandlerDeps, EventHandlerDeps, AlertHandlerDeps, DashboardHandlerDeps {
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
}

/** The daemon's side of ControlApi: inputs arrive validated by the schemas of api.ts. */
export function createHandlers(deps: HandlerDeps): ControlHandlers {
  const { supervisor, paths, gateway } = deps;
  const views = (entries: ReturnType<Supervisor['list']>) => entries.map((entry) => toServerView(entry, deps.now()));

  const logSource = (name: string | undefined): { path: string; format: 'server' | 'json' } => {
    if (name === undefined) return { path: paths.daemonLog, format: 'json' };
    supervisor.get(name);
    return { path: serverLogPath(paths, name), format: 'server' };
  };

  return {
    async daemonStatus() {
      const byState: Record<string, number> = {};
      for (const entry of supervisor.list()) byState[entry.instance.state] = (byState[entry.instance.state] ?? 0) + 1;
      return {
        pid: process.pid,
        version: deps.version,
        startedAt: new Date(deps.startedAt).toISOString(),
        uptimeSeconds: Math.floor((deps.now() - deps.startedAt) / 1000),
        socket: paths.socket,
        home: paths.stateDir,
        database: paths.database,
        logFile: paths.daemonLog,
        servers: { total: supervisor.list().length, byState },
        gateway: gateway.url === null || gateway.port === null ? null : { url: gateway.url, port: gateway.port },
        secrets: await deps.vault.status(),
      };
    },
    async daemonStop() {
      // Answer first: the stop closes this very listener.
      setImmediate(deps.requestStop);
      return { stopping: true, drainTimeoutMs: deps.settings.gateway.drainTimeout };
    },
    async addServer({ spec, wait }) {
      const entry = await supervisor.add(spec, { wait });
      return { ...toServerView(entry, deps.now()), alreadyExisted: entry.alreadyExisted };
    },
    async updateServer(input) {
      const entry =
        'spec' in input
          ? await supervisor.update(input.spec)
          : await supervisor.edit(input.name, (current) =>
              parseInput(serverSpecSchema, applyServerPatch(current, input.patch), `definition of '${input.name}'`),
            );
      return { ...toServerView(entry, deps.now()), changed: entry.changed, rolled: entry.rolled };
    },
    async getServerSpec({ name }) {
      return { spec: supervisor.get(name).spec };
    },
    async listServers() {
      return views(supervisor.list());
    },
    async getServer({ name }) {
      const entry = supervisor.get(name);
      const events = await deps.store.events.query({ server: name, types: SERVER_EVENT_TYPES, limit: 20 });
      return {
        ...toServerView(entry, deps.now()),
        logFile: serverLogPath(paths, name),
        events: events.map(({ id, time, server, type, message }) => ({ id, time, server, type, message })),
      };
    },
    async startServers({ wait, ...targets }) {
      return views(await supervisor.start(targets, { wait }));
    },
    async stopServers(targets) {
      return views(await supervisor.stop(targets));
    },
    async restartServers(targets) {
      return views(await supervisor.restart(targets));
    },
    async readLogs(query) {
      const source = logSource(query.name);
      const lines: LogLine[] = readLogLines(source.path, {
        ...(query.tail === undefined ? {} : { tail: query.tail }),
        ...(query.since === undefined ? {} : { since: new Date(query.since) }),
        keep: deps.settings.logs.keep,
        format: source.format,
      });
      return { lines };
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
    ...createGatewayHandlers(deps),
    ...createProfileHandlers(deps),
    ...createDeclarativeHandlers(deps),
    ...createEventHandlers(deps),
    ...createAlertHandlers(deps),
    ...createSecretHandlers(deps),
    ...createDashboardHandlers(deps),
    followLogs(query, signal) {
      if (query.name === undefined) return followLines(deps.daemonLog, signal);
      supervisor.get(query.name);
      return followLines(deps.serverLog(query.name), signal);
    },
  };
}
