import type { IncomingMessage, ServerResponse } from 'node:http';
import { startGateway } from '../../daemon/gateway/gateway.js';
import { profileOfTarget, type Route } from '../../daemon/gateway/route.js';
import type {
  Gateway,
  GatewayForwarding,
  GatewayOptions,
  GatewaySessionInfo,
  GatewaySessionSnapshot,
  SessionEvent,
} from '../../daemon/gateway/types.js';
import { toolSearchMode } from '../../protocol/aggregate/searchMode.js';
import type { MemberLiveness } from '../../protocol/aggregate/types.js';
import { type RootsSource, rootsOf } from '../../protocol/multiplex/roots.js';
import { SharedUpstream } from '../../protocol/multiplex/sharedUpstream.js';
import type { UpstreamTap } from '../../protocol/multiplex/upstreamTap.js';
import type { SessionBackend } from '../../protocol/session.js';
import type { SessionEndData } from '../../protocol/sessionEnd.js';
import { formatDuration } from '../../shared/duration.js';
import type { Logger } from '../../shared/logger.js';
import { type CallContext, LOCAL_OWNER, type Principal } from '../../shared/principal.js';
import { allows, gatewayVerdict, METRICS_ACCESS } from '../apiRoles.js';
import type { AuditLog } from '../audit/auditLog.js';
import { auditedBackend } from '../audit/gatewayAudit.js';
import type { Settings } from '../config/settings.js';
import type { DaemonMetrics } from '../metrics/daemonMetrics.js';
import type { ProfileCatalogView } from '../profiles/catalog.js';
import { instanceKey } from '../profiles/instanceIdentity.js';
import type { ProfileSource } from '../profiles/source.js';
import type { ServerSpec } from '../servers/definition.js';
import type { InstanceObserver, RunnerHandover } from '../servers/instance.js';
import { requestDeadlines } from '../servers/requestTimeout.js';
import type { Runner } from '../servers/runner.js';
import type { Supervisor } from '../servers/supervisor.js';
import type { GatewayTracing } from '../tracing/gatewayTracing.js';
import { awaitedBackend } from './awaitedBackend.js';
import type { GatewayControl, LiveSession, SessionRecordEvent } from './gatewayControl.js';
import { NO_PROFILES, ProfileEndpoints } from './profileEndpoints.js';
import { unavailableBackend } from './unavailableBackend.js';

/** Who a gateway session's calls are from until sessions are bound to tokens: the local owner, on loopback. */
const LOCAL_GATEWAY_CALL: CallContext = Object.freeze({ principal: LOCAL_OWNER, address: 'loopback' });

/** Sessions waiting for a server that is coming up: one promise per server, settled by bind or gone. */
interface Arrival {
  backend: SessionBackend;
  settle(outcome: SessionBackend | Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Puts the gateway in front of the supervised servers: one SharedUpstream per
 * stdio server, bound to whichever process currently runs it, so sessions
 * outlive restarts of the upstream.
 */
export class GatewayHost implements GatewayControl {
  private gateway: Gateway | undefined;
  private drainBegan = false;
  private readonly shared = new Map<string, SharedUpstream>();
  /** Servers in isolated mode: their pool serves each session with a process of its own. */
  private readonly isolated = new Map<string, SessionBackend>();
  private readonly arriving = new Map<string, Arrival>();
  /** Shared servers whose process is gone and being restarted: their upstream waits, their profiles do not. */
  private readonly lost = new Set<string>();
  private readonly profiles: ProfileEndpoints;
  /** Each backend's audited wrapper, made once: the gateway asks for a backend on every request. */
  private readonly audited = new WeakMap<SessionBackend, SessionBackend>();

  constructor(
    private readonly deps: {
      supervisor: () => Supervisor;
      settings: Settings;
      logger: Logger;
      record(event: SessionRecordEvent): void;
      /** Why a session the gateway no longer holds ended, when its client must know (killed). */
      endedSession?: (id: string) => Promise<SessionEndData | undefined>;
      /** In a cluster: where sessions and servers held by other nodes are (core/cluster/forwarding.ts). */
      forwarding?: GatewayForwarding;
      /** The profiles served at /profiles/NAME/mcp (default: none). */
      profiles?: ProfileSource;
      /** mcpctl's version, a profile endpoint's serverInfo.version. */
      version?: string;
      /** Where each session's `tools/call`s are recorded (none: not recorded). */
      audit?: AuditLog;
      /**
       * Who a session's calls come from (the seam for sessions bound to a token's principal);
       * default: the local owner on loopback.
       */
      sessionContext?: (sessionId: string) => CallContext;
      /** What each server's shared upstream tells the daemon's logs (messages, session requests). */
      tap?: (server: string) => UpstreamTap;
      /** Absent when `metrics.enabled` is false: backends are served as they are. */
      metrics?: DaemonMetrics;
      /** Present only when OTEL_EXPORTER_OTLP_ENDPOINT is set: each target's requests become spans. */
      tracing?: GatewayTracing;
      /** `gateway.auth: token`: who calls the loopback gateway (undefined once it answered 401/429). */
      gate?: (req: IncomingMessage, res: ServerResponse) => CallContext | undefined;
      /** The dashboard, served under /ui/ on the gateway's listener. */
      ui?: GatewayOptions['ui'];
    },
  ) {
    const metrics = deps.metrics;
    this.profiles = new ProfileEndpoints({
      source: deps.profiles ?? NO_PROFILES,
      directory: {
        instanceOf: (server, env) => {
          const spec = this.deps.supervisor().specOf(server);
          return spec === undefined ? server : instanceKey(spec, env);
        },
        backend: (server) => {
          const backend = this.shared.get(server) ?? this.isolated.get(server);
          return backend === undefined || metrics === undefined ? backend : metrics.memberBackend(server, backend);
        },
        state: (server) => this.memberState(server),
        detail: (server) => this.memberDetail(server),
      },
      logger: deps.logger,
      search: (spec) => toolSearchMode(spec.tools.pin),
      ...(metrics === undefined ? {} : { memberSink: (profile: string) => metrics.memberSink(profile) }),
      ...(deps.version === undefined ? {} : { version: deps.version }),
    });
  }

  get url(): string | null {
    return this.gateway?.url ?? null;
  }

  get port(): number | null {
    return this.gateway?.port ?? null;
  }

  async start(): Promise<void> {
    const { settings, logger } = this.deps;
    this.gateway = await startGateway({
      host: settings.gateway.host,
      port: settings.gateway.port,
      allowedHosts: settings.gateway.allowedHosts,
      maxBodyBytes: settings.gateway.maxBodyBytes,
      idleTimeoutMs: settings.gateway.idleTimeout,
      maxUnreadBytes: settings.gateway.maxUnreadBytes,
      maxSessions: settings.gateway.maxSessions,
      backends: (name) => this.servedBackend(name),
      ...(this.deps.metrics === undefined ? {} : { metrics: this.deps.metrics }),
      logger,
      onSessionEvent: (event) => this.onSessionEvent(event),
      endedSession: this.deps.endedSession,
      authorize: (call, route) => authorizeRoute(call, route),
      authorizeMetrics: (call) => allows(call.principal, METRICS_ACCESS),
      ...(this.deps.gate === undefined ? {} : { gate: this.deps.gate }),
      ...(this.deps.ui === undefined ? {} : { ui: this.deps.ui }),
      ...(this.deps.tracing === undefined ? {} : { traceHeaders: true }),
      ...(this.deps.forwarding === undefined ? {} : { forwarding: this.deps.forwarding }),
    });
  }

  /** The remote listener's way in: the same gateway, past the listener's own checks. */
  handle(req: IncomingMessage, res: ServerResponse, call: CallContext): void {
    if (this.gateway) this.gateway.handle(req, res, call);
    else {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('gateway not running');
    }
  }

  /** A revoked token's sessions end with it. */
  closeSessionsOf(principal: Principal, reason: string): number {
    return this.gateway?.closeSessionsOf(principal, reason) ?? 0;
  }

  /**
   * The first step of a stop: no new sessions or requests, those in flight get up to
   * `drainTimeout` to finish. Resolves false when some were still running at the bound.
   */
  async drain(): Promise<boolean> {
    this.drainBegan = true;
    return (await this.gateway?.drain(this.deps.settings.gateway.drainTimeout)) ?? true;
  }

  /** From the first step of a stop on: `/v1/health` answers 503 so a balancer takes this node out. */
  get draining(): boolean {
    return this.drainBegan;
  }

  async close(): Promise<void> {
    this.profiles.close('the daemon is stopping');
    await this.gateway?.close();
    this.gateway = undefined;
  }

  /** The supervisor's hook: keeps each server's SharedUpstream bound to its live process. */
  observe(name: string): InstanceObserver {
    return {
      ready: (runner: Runner) => this.bind(name, runner),
      handover: (next, previous) => this.handover(name, next, previous),
      policyChanged: (policy) => {
        const upstream = this.shared.get(name);
        upstream?.setDeadlines(requestDeadlines(policy));
        upstream?.refreshLogLevel(); // called on every edit: --log-level may be what changed
      },
      gone: (reason, final) => {
        this.serverGone(name, reason, final);
        this.profiles.memberChanged(name);
      },
    };
  }

  private serverGone(name: string, reason: string, final: boolean): void {
    if (final) {
      this.isolated.delete(name);
      this.settleArrival(name, new Error(`server '${name}' stopped before it was running: ${reason}`));
    }
    const upstream = this.shared.get(name);
    if (!upstream) return;
    if (final) {
      this.lost.delete(name);
      upstream.shutdown(`server '${name}' stopped: ${reason}`);
      this.shared.delete(name);
    } else {
      this.lost.add(name);
      upstream.upstreamLost(reason);
    }
  }

  /** What `profile show` prints of a profile's endpoint; undefined when there is no such profile. */
  catalog(profile: string): Promise<ProfileCatalogView | undefined> {
    return this.profiles.catalog(profile);
  }

  hasProfile(name: string): boolean {
    return this.profiles.has(name);
  }

  liveSessions(): LiveSession[] {
    return (
      this.gateway?.sessions().map((snapshot: GatewaySessionSnapshot) => this.describe(snapshot, snapshot.idleSince)) ??
      []
    );
  }

  killSession(id: string, reason: string): boolean {
    return this.gateway?.killSession(id, reason) ?? false;
  }

  private bind(name: string, runner: Runner): void {
    this.bindServer(name, runner);
    this.profiles.memberChanged(name);
  }

  /** Which instance serves which profile member changed (a server's env was edited). */
  instancesChanged(): void {
    this.profiles.refresh();
  }

  /** A member of a profile serves when its instance's process (or pool) is bound and not lost to a restart. */
  private memberState(key: string): MemberLiveness {
    if (this.isolated.has(key) || (this.shared.has(key) && !this.lost.has(key))) return 'ready';
    const found = this.deps.supervisor().instanceOf(key);
    if (found === undefined) return 'down';
    const { state, desired } = found.instance;
    return desired === 'running' && state !== 'failed' && state !== 'stopped' ? 'starting' : 'down';
  }

  private memberDetail(key: string): string | undefined {
    const found = this.deps.supervisor().instanceOf(key);
    if (found === undefined) return 'no such server';
    const { instance } = found;
    return instance.lastError === null ? instance.state : `${instance.state}, ${instance.lastError}`;
  }

  private bindServer(name: string, runner: Runner): void {
    this.lost.delete(name);
    if (runner.backend) {
      this.isolated.set(name, runner.backend);
      this.settleArrival(name, runner.backend);
      return;
    }
    const channel = runner.channel;
    if (!channel?.identity) return;
    const send = channel.send.bind(channel);
    let upstream = this.shared.get(name);
    const spec = this.specOf(name);
    if (upstream) {
      upstream.upstreamReplaced(channel.identity, send, this.rootsOf(spec));
    } else {
      upstream = new SharedUpstream({
        identity: channel.identity,
        send,
        logger: this.deps.logger.child({ server: name }),
        name,
        roots: this.rootsOf(spec),
        ...(spec === undefined ? {} : requestDeadlines(spec.policy)),
        ...(this.deps.tap === undefined ? {} : { tap: this.deps.tap(name) }),
      });
      this.shared.set(name, upstream);
    }
    const bound = upstream;
    channel.onUpstreamMessage = (message) => bound.handleUpstream(message);
    this.settleArrival(name, bound);
  }

  /**
   * A rollover: the server's sessions move to `next` without a failed request. A shared upstream
   * keeps its sessions and sends new requests to `next`, while `previous` answers what it has in
   * flight. An isolated server gives new sessions to the new pool; those of the old pool end with it.
   */
  private handover(name: string, next: Runner, previous: Runner): RunnerHandover {
    const upstream = this.shared.get(name);
    const channel = next.channel;
    const oldChannel = previous.channel;
    if (upstream === undefined || channel?.identity === undefined || oldChannel === undefined) {
      // Another kind of runner (shared ⇄ isolated): sessions of the old kind end with the old runner.
      if (next.backend !== undefined && upstream !== undefined) {
        upstream.shutdown(`server '${name}' now runs one process per session`);
        this.shared.delete(name);
      }
      if (next.backend === undefined) this.isolated.delete(name);
      this.bind(name, next);
      return { drained: Promise.resolve(), abandon: () => {} };
    }
    const retiring = upstream.upstreamHandover(
      channel.identity,
      channel.send.bind(channel),
      this.rootsOf(this.specOf(name)),
    );
    oldChannel.onUpstreamMessage = (message) => retiring.receive(message);
    channel.onUpstreamMessage = (message) => upstream.handleUpstream(message);
    return retiring;
  }

  /** A shared server's roots, answered by the daemon from its definition (edits included). */
  private rootsOf(spec: ServerSpec | undefined): RootsSource {
    return { from: 'server', roots: rootsOf(spec?.transport === 'stdio' ? spec.roots : []) };
  }

  /** By instance key; undefined once removed (the defaults will do for the moment it has left). */
  private specOf(key: string): ServerSpec | undefined {
    return this.deps.supervisor().instanceOf(key)?.spec;
  }

  private auditedBackendOf(name: string): SessionBackend | undefined {
    const backend = this.backend(name);
    const { audit } = this.deps;
    if (backend === undefined || audit === undefined) return backend;
    let wrapped = this.audited.get(backend);
    if (wrapped === undefined) {
      wrapped = auditedBackend(
        backend,
        name,
        audit,
        this.deps.sessionContext ?? ((id) => this.gateway?.callerOf(id) ?? LOCAL_GATEWAY_CALL),
      );
      this.audited.set(backend, wrapped);
    }
    return wrapped;
  }

  /** The backend of a gateway target (audited), wrapped to count its traffic when metrics are on. */
  private meteredBackend(name: string): SessionBackend | undefined {
    const backend = this.auditedBackendOf(name);
    const metrics = this.deps.metrics;
    if (backend === undefined || metrics === undefined) return backend;
    return metrics.gatewayBackend(name, backend, profileOfTarget(name) !== undefined);
  }

  /** A target's backend as the gateway serves it: audited, metered and traced, each when it is on. */
  private servedBackend(name: string): SessionBackend | undefined {
    const backend = this.meteredBackend(name);
    const tracing = this.deps.tracing;
    if (backend === undefined || tracing === undefined) return backend;
    const profile = profileOfTarget(name);
    return profile === undefined
      ? tracing.backend({ kind: 'server', name }, backend, this.specOf(name)?.transport)
      : tracing.backend({ kind: 'profile', name: profile }, backend, undefined);
  }

  /** Bytes in and out on the gateway's connections (zero while it is not listening, or without metrics). */
  traffic(): { bytesIn: number; bytesOut: number } {
    return this.gateway?.traffic() ?? { bytesIn: 0, bytesOut: 0 };
  }

  private backend(name: string): SessionBackend | undefined {
    const profile = profileOfTarget(name);
    if (profile !== undefined) return this.profiles.backend(profile);
    const backend = this.shared.get(name) ?? this.isolated.get(name);
    if (backend) return backend;
    let entry: ReturnType<Supervisor['get']>;
    try {
      entry = this.deps.supervisor().get(name);
    } catch {
      return undefined;
    }
    const { state, desired } = entry.instance;
    if (desired === 'running' && state !== 'failed')
      return this.arrival(name, entry.spec.policy.startTimeoutMs).backend;
    return unavailableBackend(
      () => `server '${name}' is ${entry.instance.state}, not running; start it with 'mcpctl server start ${name}'`,
    );
  }

  /** Called on every request to a server not yet up, so it allocates once per server, not per request. */
  private arrival(name: string, timeoutMs: number): Arrival {
    const existing = this.arriving.get(name);
    if (existing) return existing;
    let settle: (outcome: SessionBackend | Error) => void = () => {};
    const ready = new Promise<SessionBackend>((resolve, reject) => {
      settle = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
    });
    ready.catch(() => {}); // each waiting session handles the failure; there may be none
    const message = `server '${name}' did not come up within ${formatDuration(timeoutMs)}; see 'mcpctl server show ${name}' and 'mcpctl logs ${name}'`;
    const timer = setTimeout(() => this.settleArrival(name, new Error(message)), timeoutMs);
    timer.unref();
    const arrival = { backend: awaitedBackend(ready), settle, timer };
    this.arriving.set(name, arrival);
    return arrival;
  }

  private settleArrival(name: string, outcome: SessionBackend | Error): void {
    const arrival = this.arriving.get(name);
    if (!arrival) return;
    this.arriving.delete(name);
    clearTimeout(arrival.timer);
    arrival.settle(outcome);
  }

  private onSessionEvent(event: SessionEvent): void {
    const session = this.describe(event.info);
    this.deps.logger.debug(
      { session: session.id, server: session.server, transport: session.transport, reason: event.reason },
      `session ${event.type}`,
    );
    if (event.type === 'opened') this.deps.record({ type: 'opened', session });
    else this.deps.record({ type: 'closed', session, reason: event.reason ?? 'closed' });
  }

  /** The gateway's view of a session, completed with what the shared upstream learnt at initialize. */
  private describe(info: GatewaySessionInfo, idleSince: number | null = null): LiveSession {
    const profile = profileOfTarget(info.server);
    const stats =
      profile === undefined
        ? this.shared.get(info.server)?.sessionStatsOf(info.id)
        : this.profiles.sessionInfo(profile, info.id);
    const client = info.clientInfo ?? stats?.clientInfo;
    return {
      id: info.id,
      server: info.server,
      profile: profile ?? null,
      transport: info.transport,
      clientName: client?.name ?? null,
      clientVersion: client?.version ?? null,
      protocolVersion: stats?.protocolVersion ?? null,
      startedAt: info.startedAt,
      lastActivity: info.lastActivity,
      idleSince,
      requests: info.requests,
      errors: info.errors,
    };
  }
}

/** The role matrix (apiRoles.ts) applied to one gateway route. */
function authorizeRoute(call: CallContext, route: Route): 'ok' | 'forbidden' | 'hidden' {
  const profile = profileOfTarget(route.server);
  return profile === undefined
    ? gatewayVerdict(call.principal, `servers/${route.endpoint}`, { kind: 'server', name: route.server })
    : gatewayVerdict(call.principal, `profiles/${route.endpoint}`, { kind: 'profile', name: profile });
}
