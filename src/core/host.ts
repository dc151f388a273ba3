import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { SERVER_ERROR, sendRpcError } from '../daemon/gateway/replies.js';
import { createControlDispatch, startControlServer } from '../daemon/ipc/controlServer.js';
import { createDaemonLogger } from '../daemon/monitor/daemonLogger.js';
import { ServerLogFile } from '../daemon/monitor/logFile.js';
import { processTreeRss } from '../daemon/process/memory.js';
import { homeIdOf } from '../daemon/process/ownership.js';
import { authenticateRequest } from '../daemon/remote/bearer.js';
import { acquirePidLock } from '../daemon/service/pidLock.js';
import { DashboardAuth } from '../daemon/ui/dashboardAuth.js';
import { DashboardServer } from '../daemon/ui/dashboardServer.js';
import type { Logger } from '../shared/logger.js';
import { type Paths, serverLogPath } from '../shared/paths.js';
import { createAlertRules } from './alerts/alertRules.js';
import type { DaemonStatus } from './api.js';
import { createAuditLog } from './audit/auditLog.js';
import { withAudit } from './audit/controlAudit.js';
import { startRemoteAccess, tokenGate } from './auth/remoteAccess.js';
import { TokenService } from './auth/tokens.js';
import { ChangeSync } from './cluster/changeSync.js';
import { clusterForwarding } from './cluster/clusterForwarding.js';
import { HEARTBEAT_INTERVAL_MS, NodeHeartbeat } from './cluster/heartbeat.js';
import { LeaseKeeper } from './cluster/leaseKeeper.js';
import { resolveNodeName } from './cluster/nodeName.js';
import { loadSettings } from './config/settings.js';
import { EventHub } from './events/eventHub.js';
import { profileEventRecorder } from './events/profileEvents.js';
import { sessionEvent } from './events/sessionEvents.js';
import { createHandlers } from './handlers.js';
import { toMethodTable } from './localApi.js';
import { ServerLogLevels } from './logs/serverLogLevels.js';
import { SessionTraffic } from './logs/sessionTraffic.js';
import { DaemonMetrics, UsageSampler } from './metrics/daemonMetrics.js';
import { MetricsHistory } from './metrics/metricsHistory.js';
import type { ProfileSpec } from './profiles/definition.js';
import { neededInstances } from './profiles/instanceIdentity.js';
import { ProfileRegistry } from './profiles/registry.js';
import { SecretVault } from './secrets/vault.js';
import { systemClock } from './servers/instance.js';
import { Supervisor } from './servers/supervisor.js';
import { endedSessionLookup } from './sessions/endedSessions.js';
import { GatewayHost } from './sessions/gatewayHost.js';
import { createSessionRecorder } from './sessions/sessionRecorder.js';
import { openConfiguredStore } from './storeSelection.js';
import { loadTracing } from './tracing/gatewayTracing.js';

/** `gateway.auth: token`: the loopback gateway asks for a token like the remote listener. */
function loopbackGate(gate: ReturnType<typeof tokenGate>) {
  return (req: IncomingMessage, res: ServerResponse) =>
    authenticateRequest(gate, req, res, (reply, status, message, headers) =>
      sendRpcError(reply, status, SERVER_ERROR, message, headers),
    );
}

export interface RunDaemonOptions {
  paths: Paths;
  version: string;
  /** Aborted by SIGINT/SIGTERM: the daemon stops gracefully. */
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** How this daemon's mcpctl is run (node and script): what `installClient` writes into AI clients' files. */
  self?: { execPath: string; args: string[] };
}

/**
 * Assembles and runs the daemon in this process until `signal` aborts or a
 * client asks it to stop: lock, logger, store, supervisor, control listener.
 * Resolves when everything is stopped and released.
 */
export async function runDaemon(options: RunDaemonOptions): Promise<void> {
  const { paths, version } = options;
  const env = options.env ?? process.env;
  const settings = await loadSettings(paths, env);
  const node = resolveNodeName(settings.node, env);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
  mkdirSync(paths.runtimeDir, { recursive: true, mode: 0o700 });
  const lock = acquirePidLock(paths.pidFile);
  const daemonLog = createDaemonLogger({
    file: paths.daemonLog,
    maxBytes: settings.logs.maxBytes,
    keep: settings.logs.keep,
    level: settings.logs.level,
  });
  const logger: Logger = daemonLog.logger;
  // Waits on process teardown use unref'd timers; this handle keeps the daemon alive until it
  // has finished starting and, at the end, stopping (before the sockets exist, nothing else would).
  const keepAlive = setInterval(() => {}, 1 << 30);
  const cleanups: Array<() => void | Promise<void>> = [
    () => clearInterval(keepAlive),
    () => lock.release(),
    () => daemonLog.close(),
  ];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.reverse()) {
      await Promise.resolve(step()).catch((error: unknown) =>
        logger.error({ err: (error as Error).message }, 'shutdown step failed'),
      );
    }
  };

  try {
    const startedAt = Date.now();
    logger.info({ version, home: paths.stateDir, node }, 'daemon starting');
    const { store, info: storeInfo } = await openConfiguredStore(settings, paths, logger, {
      node,
      version,
      // Tests lengthen it to write while this node is not listening.
      changeFeedRetryMs: Number(env.MCPCTL_TEST_FEED_RETRY_MS ?? 0) || undefined,
    });
    cleanups.push(() => store.close());
    // Loaded before anything serves: the gateway and the control API read profiles from it synchronously.
    const profiles = new ProfileRegistry({ store, logger });
    await profiles.load();
    const vault = new SecretVault({
      secrets: store.secrets,
      env,
      keyFile: join(paths.configDir, 'master.key'),
      homeId: homeIdOf(paths.stateDir),
      rotationPauseMs: Number(env.MCPCTL_TEST_ROTATION_PAUSE_MS ?? 0) || 0,
    });
    const tokens = new TokenService({ tokens: store.tokens, logger, now: Date.now });
    await tokens.load();
    cleanups.push(() => tokens.close());
    const serverLogs = new Map<string, ServerLogFile>();
    const events = new EventHub({ store, logger });
    cleanups.push(() => events.flushed());
    profiles.onChange(profileEventRecorder(profiles, events));
    // logs.level as it is now: `config set logs.level` changes it in the running daemon.
    let daemonLevel: string = settings.logs.level;
    const traffic = new SessionTraffic();
    const logLevels = new ServerLogLevels({
      spec: (name) => supervisor.find(name)?.spec,
      daemonLevel: () => daemonLevel,
      log: (name) => serverLogs.get(name),
      traffic,
    });
    const recorder = createSessionRecorder(store, logger, node);
    // Cleanups run in reverse: session closes written at shutdown land before the store closes.
    cleanups.push(() => recorder.flushed());
    // Session events are batched: the gateway's hot path never waits for them.
    const recordSession = Object.assign(
      (event: Parameters<typeof recorder>[0]) => {
        recorder(event);
        events.appendLater(sessionEvent(event));
      },
      { flushed: () => recorder.flushed() },
    );
    const audit = createAuditLog(store, logger, {
      maxRows: settings.audit.maxRows,
      maxAgeMs: settings.audit.maxAge,
    });
    cleanups.push(() => audit.flushed());
    // Reads the supervisor and gateway lazily: both are made below and need the metrics first.
    const metrics: DaemonMetrics | undefined = settings.metrics.enabled
      ? new DaemonMetrics({
          servers: () => supervisor.list(),
          sessions: () => gateway.liveSessions(),
          traffic: () => gateway.traffic(),
          now: Date.now,
        })
      : undefined;
    // Only with OTEL_EXPORTER_OTLP_ENDPOINT set: the SDK is not even loaded otherwise.
    const tracing = await loadTracing(env, { version, logger });
    if (tracing) cleanups.push(() => tracing.shutdown());
    // A dashboard session of a token ends with the token (revoked or expired); the owner's never does.
    const dashboardAuth = new DashboardAuth(
      Date.now,
      (principal) => principal.kind === 'owner' || tokens.isLive(principal.name),
    );
    // One failure limit per address for bearer tokens and tokens typed on the dashboard's login page.
    const remoteGate = tokenGate(tokens, logger, audit);
    const dashboard = new DashboardServer({ auth: dashboardAuth, logger, tokenLogin: remoteGate });
    // Sessions across nodes (a shared store and the shared master key): requests relayed to their owner.
    const cluster =
      storeInfo.backend === 'sqlite'
        ? undefined
        : await clusterForwarding({ store, vault, node, logger, spec: (name) => supervisor.specOf(name) });
    if (cluster) cleanups.push(() => cluster.stop());
    const gateway: GatewayHost = new GatewayHost({
      ui: dashboard,
      supervisor: () => supervisor,
      ...(metrics === undefined ? {} : { metrics }),
      ...(tracing === undefined ? {} : { tracing }),
      settings,
      logger,
      record: recordSession,
      audit,
      endedSession: endedSessionLookup(store, recorder),
      profiles,
      version,
      tap: (name) => logLevels.tap(name),
      ...(settings.gateway.auth === 'token' ? { gate: loopbackGate(tokenGate(tokens, logger, audit)) } : {}),
      ...(cluster === undefined ? {} : { forwarding: cluster.forwarding }),
    });
    // What a token held open ends with it, revoked or expired: gateway sessions and dashboard streams.
    tokens.onEnded((name, why) => {
      gateway.closeSessionsOf({ kind: 'token', name, role: 'client' }, `token ${why}`);
      dashboard.endSessionsOf(name);
    });
    // A shared store means a cluster: servers run where their leases are (core/cluster/leaseKeeper.ts).
    const leaseTtlMs = Number(env.MCPCTL_LEASE_TTL_MS ?? 0) || settings.cluster.leaseTtl;
    const heartbeatMs = Number(env.MCPCTL_TEST_HEARTBEAT_MS ?? 0) || HEARTBEAT_INTERVAL_MS;
    const keeper: LeaseKeeper | undefined =
      storeInfo.backend === 'postgres'
        ? new LeaseKeeper({
            store,
            node,
            ttlMs: leaseTtlMs,
            // A node is live for placement while its heartbeat is younger than the lease TTL (at least three beats).
            liveTtlMs: Math.max(leaseTtlMs, 3 * heartbeatMs),
            servers: () => supervisor.list().map((entry) => entry.spec),
            place: (name, run) => supervisor.placed(name, run),
            desired: (name, desired) => supervisor.clusterDesired(name, desired),
            clock: systemClock,
            logger,
          })
        : undefined;
    const supervisor: Supervisor = new Supervisor({
      store,
      logger,
      clock: systemClock,
      random: Math.random,
      parentEnv: env,
      clientInfo: { name: 'mcpctl', version },
      maxLineBytes: settings.servers.maxLineBytes,
      homeId: homeIdOf(paths.stateDir),
      events,
      observe: (name) => gateway.observe(name),
      secrets: vault,
      startConcurrency: settings.servers.startConcurrency,
      needs: () => profileNeeds(),
      instancesChanged: () => gateway.instancesChanged(),
      tap: (name) => logLevels.tap(name),
      ...(tracing === undefined ? {} : { traceHeaders: true }),
      // On a shared store each node keeps its own instance rows; the embedded one keeps the one row as always.
      ...(keeper === undefined ? {} : { instanceNode: node }),
      openLog: (name) => {
        const log = new ServerLogFile({
          path: serverLogPath(paths, name),
          maxBytes: settings.logs.maxBytes,
          keep: settings.logs.keep,
          admit: (stream, text) => logLevels.admits(name, stream, text),
        });
        serverLogs.set(name, log);
        return {
          appendLine: (stream, text) => log.appendLine(stream, text),
          pipeLines: (readable, stream) => log.pipeLines(readable, stream),
          close: () => {
            if (serverLogs.get(name) === log) serverLogs.delete(name);
            log.close();
          },
          remove: () => {
            if (serverLogs.get(name) === log) serverLogs.delete(name);
            log.remove();
          },
        };
      },
    });
    // Members with env of their own run as instances of their own (core/profiles/instanceIdentity.ts).
    const profileNeeds = (specs: readonly ProfileSpec[] = profiles.list().map((entry) => entry.spec)) =>
      neededInstances(specs, (name) => supervisor.specOf(name));
    profiles.keepInstancesWith({
      prepare: (next) => supervisor.provide(profileNeeds(next)),
      settle: () => supervisor.release(profileNeeds()),
    });
    if (keeper) supervisor.setPlacement(keeper);
    await supervisor.load();
    cleanups.push(() => supervisor.shutdown());
    // The dashboard's last hour: rolled once a minute from the meters and /proc, nothing per call.
    const usage = metrics?.usage ?? new UsageSampler({ servers: () => supervisor.list(), now: Date.now });
    const history = new MetricsHistory(
      {
        servers: () => supervisor.list().map((entry) => entry.spec.name),
        callTotals: (name) => metrics?.callTotals(name),
        p95Ms: (name, seconds) => metrics?.callWindow(name, seconds * 1000)?.p95Ms ?? null,
        usage: () => usage.read(),
        now: Date.now,
      },
      // Tests shorten the slot to see it roll.
      { slotMs: Number(env.MCPCTL_TEST_HISTORY_SLOT_MS ?? 0) || undefined },
    );
    history.start();
    cleanups.push(() => history.stop());
    // Servers first: a Node server takes a few hundred ms to boot, which now overlaps the
    // listeners' start instead of following it. Status is served as soon as they listen.
    void supervisor.resume();
    // Only this node's: the other nodes sharing the store still serve theirs.
    await store.sessions.closeDangling(new Date().toISOString(), node);
    await gateway.start();
    cleanups.push(() => gateway.close());

    let requestStop: () => void = () => {};
    const stopRequested = new Promise<void>((resolve) => {
      requestStop = resolve;
      if (options.signal.aborted) resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const alerts = createAlertRules({
      store,
      settings,
      events,
      logger,
      sources: {
        servers: () =>
          supervisor.list().map(({ spec, instance }) => ({
            name: spec.name,
            state: instance.state,
            desired: instance.desired,
            pid: instance.runner?.pid ?? null,
            downSince: instance.downSince ?? null,
          })),
        sessions: (name) => gateway.liveSessions().filter((session) => session.server === name).length,
        memoryBytes: processTreeRss,
        // Error-rate and p95 rules read the metrics' call windows (the last minute at most).
        ...(metrics === undefined ? {} : { callStats: { window: (name, ms) => metrics.callWindow(name, ms) } }),
      },
    });
    await alerts.start();
    cleanups.push(() => alerts.stop());
    let remote: { status(): DaemonStatus['remote']; close(): Promise<void> } | undefined;
    // What the others dial to forward this node's sessions: its TLS listener, once it listens.
    const advertised = () => {
      const listening = remote?.status();
      if (listening?.fingerprint == null) return undefined;
      return { url: settings.cluster.advertise ?? listening.url, fingerprint: listening.fingerprint };
    };
    const heartbeat = new NodeHeartbeat({
      nodes: store.nodes,
      name: node,
      version,
      logger,
      // Tests shorten it to see a load change at once.
      intervalMs: Number(env.MCPCTL_TEST_HEARTBEAT_MS ?? 0) || undefined,
      load: () => ({
        serversRunning: supervisor.list().filter(({ instance }) => instance.state === 'running').length,
        sessionsOpen: gateway.liveSessions().length,
      }),
      advertised,
    });
    await heartbeat.start();
    cleanups.push(() => heartbeat.stop());
    // In a cluster (a shared PostgreSQL), the other nodes' changes reach this one's memory.
    if (store.changes) {
      const sync = new ChangeSync({
        feed: store.changes,
        store,
        logger,
        targets: { servers: supervisor, profiles, tokens, alerts },
      });
      sync.start();
      cleanups.push(() => sync.stop());
    }
    if (keeper) {
      // After the heartbeat: the other nodes see this one live when it takes its first slots.
      await keeper.start();
      // Runs before the supervisor's shutdown: instances stopped, then leases released for others to take at once.
      cleanups.push(() => keeper.stop());
    }
    const handlers = createHandlers({
      paths,
      settings,
      store,
      supervisor,
      version,
      node,
      startedAt,
      daemonLog: daemonLog.logFile,
      serverLog: (name) => {
        const log = serverLogs.get(name);
        if (!log) throw new Error(`no open log for ${name}`);
        return log;
      },
      requestStop: () => requestStop(),
      gateway,
      profiles,
      vault,
      profileCatalogs: gateway,
      events,
      alerts,
      dashboardAuth,
      logger,
      now: Date.now,
      audit,
      traffic,
      ...(metrics === undefined ? {} : { metrics }),
      usage,
      history,
      reloadSettings: async () => {
        const fresh = await loadSettings(paths, env);
        if (fresh.logs.level !== daemonLevel) {
          const from = daemonLevel;
          daemonLog.setLevel(fresh.logs.level);
          daemonLevel = fresh.logs.level;
          logger.info({ from, to: daemonLevel }, 'log level changed');
        }
        return fresh;
      },
      tokens,
      remote: () => remote?.status() ?? null,
      storeInfo,
      ...(keeper === undefined ? {} : { whereRunning: () => keeper.whereRunning() }),
      clients: {
        clientEnv: { env, platform: process.platform, cwd: process.cwd() },
        self: {
          node: options.self?.execPath ?? process.execPath,
          script: options.self?.args[0] ?? process.argv[1] ?? '',
          env: env.MCPCTL_HOME ? { MCPCTL_HOME: env.MCPCTL_HOME } : {},
        },
      },
    });
    const local = toMethodTable(handlers);
    // One audited table for every front door: the socket, the remote listener, the dashboard.
    const table = { methods: withAudit(local.methods, audit), streams: local.streams };
    const remoteDispatch = createControlDispatch({ ...table, logger });
    // A token's control streams over the remote listener (`logs -f`, `events -f`) end with it too.
    tokens.onEnded((name) => remoteDispatch.abortStreamsOf(name));
    remote = await startRemoteAccess({
      settings,
      paths,
      tokens,
      audit,
      control: remoteDispatch,
      gateway,
      gate: remoteGate,
      ui: dashboard,
      ...(cluster === undefined ? {} : { forwarded: cluster.verify }),
      logger,
    });
    if (remote && advertised() !== undefined) {
      // The others learn where to forward this node's sessions now, not at the next tick.
      await heartbeat.beatNow();
      await cluster?.view.refresh();
    }
    if (remote) {
      const opened = remote;
      cleanups.push(async () => {
        remoteDispatch.abortStreams();
        await opened.close();
      });
    }
    dashboard.attach({ ...table, gateway: (req, res, call) => gateway.handle(req, res, call) });
    cleanups.push(() => dashboard.close());
    const server = await startControlServer({ socketPath: paths.socket, ...table, logger });
    cleanups.push(() => server.close());
    logger.info({ socket: paths.socket }, 'control API listening');
    await stopRequested;
    const { drainTimeout } = settings.gateway;
    logger.info({ drainTimeoutMs: drainTimeout }, 'daemon stopping: finishing the requests in flight');
    // The control API keeps answering meanwhile: `daemon status` works while a stop drains.
    if (!(await gateway.drain())) {
      logger.warn({ drainTimeoutMs: drainTimeout }, 'requests still in flight at the drain timeout end with an error');
    }
  } finally {
    await cleanup();
  }
}
