import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import {
  FORWARD_REASONS,
  type ForwardReason,
  type GatewayMetrics,
  REJECT_REASONS,
  type RejectReason,
} from '../../daemon/gateway/types.js';
import { ProcessSnapshot, type TreeUsage } from '../../daemon/process/processTree.js';
import type { MemberSink } from '../../protocol/aggregate/aggregateBackend.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import { MCP_METHODS } from '../../protocol/mcpMethods.js';
import {
  type CallOutcome,
  type MessageSink,
  meteredBackend,
  type ServerSink,
  type ToolSink,
} from '../../protocol/metering.js';
import type { SessionBackend } from '../../protocol/session.js';
import { INSTANCE_STATES } from '../servers/states.js';
import type { ServerEntry } from '../servers/views.js';
import type { LiveSession } from '../sessions/gatewayControl.js';
import { CallHistogram, type HistogramSeries } from './callHistogram.js';
import { RollingWindow, type WindowFigures } from './rollingWindow.js';

/** Distinct tool names counted per server; calls of any further name count under OTHER. */
export const MAX_TOOLS_PER_SERVER = 100;
export const OTHER = 'other';

/** Responses carry no method: they count under this one. */
const RESPONSE = 'response';

/** Usage of the servers' process trees is read at most this often, however often it is asked. */
const USAGE_TTL_MS = 1000;

const OUTCOMES: readonly CallOutcome[] = ['ok', 'tool_error', 'rpc_error'];

const CALL_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface MetricsSources {
  servers(): ServerEntry[];
  sessions(): LiveSession[];
  traffic(): { bytesIn: number; bytesOut: number };
  now(): number;
}

type Child = ReturnType<Counter<string>['labels']>;

/**
 * One tool's counts, as plain numbers: the hot path adds to them and the registry reads them when
 * scraped (prom-client's inc() hashes its labels on every call, even through a labels() child).
 */
class ToolMeter implements ToolSink {
  readonly window: RollingWindow;
  readonly totals: Record<CallOutcome, number> = { ok: 0, tool_error: 0, rpc_error: 0 };

  constructor(
    private readonly owner: ServerMeter,
    private readonly now: () => number,
  ) {
    this.window = new RollingWindow(now);
  }

  called(outcome: CallOutcome, seconds: number): void {
    this.totals[outcome] += 1;
    const failed = outcome !== 'ok';
    const at = this.now();
    this.window.record(seconds, failed, at);
    this.owner.called(seconds, failed, at);
  }
}

class ServerMeter implements ServerSink {
  readonly tools = new Map<string, ToolMeter>();
  readonly window: RollingWindow;
  private readonly duration: HistogramSeries;

  constructor(
    private readonly metrics: DaemonMetrics,
    readonly name: string,
  ) {
    this.window = new RollingWindow(metrics.now);
    this.duration = metrics.callDuration.labels(name);
  }

  tool(name: string): ToolSink {
    const known = this.tools.get(name);
    if (known !== undefined) return known;
    const label = this.tools.size < MAX_TOOLS_PER_SERVER ? name : OTHER;
    let meter = this.tools.get(label);
    if (meter === undefined) {
      meter = new ToolMeter(this, this.metrics.now);
      this.tools.set(label, meter);
    }
    return meter;
  }

  called(seconds: number, failed: boolean, at: number): void {
    this.duration.observe(seconds);
    this.window.record(seconds, failed, at);
  }
}

/** A method's count in one direction, under its label (`other` for methods nobody knows). */
interface MethodCount {
  label: string;
  n: number;
}

/** One target's messages by direction and method, plain numbers read when scraped. */
class TargetMessages implements MessageSink {
  inboundTotal = 0;
  outboundTotal = 0;
  readonly inbound = new Map<string, MethodCount>();
  readonly outbound = new Map<string, MethodCount>();

  received(message: JsonRpcMessage): void {
    this.inboundTotal += 1;
    count(this.inbound, message).n += 1;
  }

  sent(message: JsonRpcMessage): void {
    this.outboundTotal += 1;
    count(this.outbound, message).n += 1;
  }
}

function count(counts: Map<string, MethodCount>, message: JsonRpcMessage): MethodCount {
  const method = 'method' in message ? message.method : RESPONSE;
  let entry = counts.get(method);
  if (entry === undefined) {
    const known = method === RESPONSE || MCP_METHODS.has(method);
    // Unknown methods share `other`'s entry, and no entry is kept per made-up name.
    entry = counts.get(known ? method : OTHER) ?? { label: known ? method : OTHER, n: 0 };
    counts.set(known ? method : OTHER, entry);
  }
  return entry;
}

/**
 * Every metric of the daemon, in one prom-client registry: the gateway's traffic and refusals,
 * each server's calls (counted by metered backends) and state and process usage (read when
 * scraped), each profile's calls by member, and Node's own process metrics.
 */
export class DaemonMetrics implements GatewayMetrics {
  readonly registry = new Registry();
  readonly now: () => number;
  readonly toolCalls: Counter<string>;
  readonly callDuration: CallHistogram;
  private readonly rejections: Counter<string>;
  private readonly rejectedTotals: Record<RejectReason, number>;
  private readonly rejectedChildren: Record<RejectReason, Child>;
  private readonly forwardedTotals: Record<ForwardReason, number>;
  private readonly forwardedChildren: Record<ForwardReason, Child>;
  private readonly profileCalls: Counter<string>;
  private readonly profileErrors: Counter<string>;
  private readonly servers = new Map<string, ServerMeter>();
  private readonly targets = new Map<string, TargetMessages>();
  private readonly profiles = new Map<string, MemberSink>();
  private readonly profileTotals = new Map<string, Map<string, { calls: number; errors: number }>>();
  /** Wrapped once per backend and use: a member's wrapper counts no messages, the gateway's does. */
  private readonly meteredForGateway = new WeakMap<SessionBackend, SessionBackend>();
  private readonly meteredForMembers = new WeakMap<SessionBackend, SessionBackend>();
  readonly usage: UsageSampler;

  constructor(private readonly sources: MetricsSources) {
    this.now = sources.now;
    this.usage = new UsageSampler(sources);
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const servers = this.servers;
    const targets = this.targets;
    this.toolCalls = new Counter({
      name: 'mcpctl_tool_calls_total',
      help: 'tools/call requests answered, by server, tool (at most 100 names per server, then "other") and outcome',
      labelNames: ['server', 'tool', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const [server, meter] of servers) {
          for (const [tool, { totals }] of meter.tools) {
            for (const outcome of OUTCOMES)
              if (totals[outcome] > 0) this.inc({ server, tool, outcome }, totals[outcome]);
          }
        }
      },
    });
    this.callDuration = new CallHistogram(
      'mcpctl_tool_call_duration_seconds',
      'Time from a tools/call request reaching the gateway to its answer leaving it, by server',
      CALL_BUCKETS,
      this.registry,
    );
    new Counter({
      name: 'mcpctl_gateway_messages_total',
      help: 'JSON-RPC messages between gateway clients and a target (server, or profiles/NAME), by direction and method',
      labelNames: ['target', 'direction', 'method'],
      registers,
      collect() {
        this.reset();
        for (const [target, sink] of targets) {
          for (const [direction, counts] of [
            ['in', sink.inbound],
            ['out', sink.outbound],
          ] as const) {
            for (const [key, { label, n }] of counts)
              if (key === label) this.inc({ target, direction, method: label }, n);
          }
        }
      },
    });
    this.rejections = new Counter({
      name: 'mcpctl_gateway_rejected_requests_total',
      help: 'HTTP requests the gateway refused before they reached a session, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.rejectedTotals = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
    this.rejectedChildren = Object.fromEntries(
      REJECT_REASONS.map((reason) => [reason, this.rejections.labels(reason)]),
    ) as Record<RejectReason, Child>;
    for (const reason of REJECT_REASONS) this.rejectedChildren[reason].inc(0);
    const forwards = new Counter({
      name: 'mcpctl_gateway_forwarded_requests_total',
      help: 'Gateway requests relayed to another node of the cluster, by reason: the session lives there, or its server runs only there',
      labelNames: ['reason'],
      registers,
    });
    this.forwardedTotals = Object.fromEntries(FORWARD_REASONS.map((r) => [r, 0])) as Record<ForwardReason, number>;
    this.forwardedChildren = Object.fromEntries(
      FORWARD_REASONS.map((reason) => [reason, forwards.labels(reason)]),
    ) as Record<ForwardReason, Child>;
    for (const reason of FORWARD_REASONS) this.forwardedChildren[reason].inc(0);
    this.profileCalls = new Counter({
      name: 'mcpctl_profile_calls_total',
      help: "Requests a profile's endpoint sent to each member",
      labelNames: ['profile', 'member'],
      registers,
    });
    this.profileErrors = new Counter({
      name: 'mcpctl_profile_errors_total',
      help: "Requests a profile's endpoint sent to a member that ended in an error",
      labelNames: ['profile', 'member'],
      registers,
    });
    this.defineScrapedMetrics(registers);
  }

  // ---- sinks, called on the hot path

  rejected(reason: RejectReason): void {
    this.rejectedTotals[reason] += 1;
    this.rejectedChildren[reason].inc();
  }

  forwarded(reason: ForwardReason): void {
    this.forwardedTotals[reason] += 1;
    this.forwardedChildren[reason].inc();
  }

  /** What the gateway serves for `target`: its messages counted, and a server's tool calls. */
  gatewayBackend(target: string, backend: SessionBackend, isProfile: boolean): SessionBackend {
    const known = this.meteredForGateway.get(backend);
    if (known !== undefined) return known;
    const wrapped = meteredBackend(backend, {
      messages: this.targetMessages(target),
      ...(isProfile ? {} : { calls: this.server(target) }),
    });
    this.meteredForGateway.set(backend, wrapped);
    return wrapped;
  }

  /** A server's backend as a profile's member uses it: only its tool calls counted (the profile counts messages). */
  memberBackend(server: string, backend: SessionBackend): SessionBackend {
    const known = this.meteredForMembers.get(backend);
    if (known !== undefined) return known;
    const wrapped = meteredBackend(backend, { calls: this.server(server) });
    this.meteredForMembers.set(backend, wrapped);
    return wrapped;
  }

  memberSink(profile: string): MemberSink {
    const known = this.profiles.get(profile);
    if (known !== undefined) return known;
    const totals = new Map<string, { calls: number; errors: number }>();
    this.profileTotals.set(profile, totals);
    const children = new Map<string, { calls: Child; errors: Child; totals: { calls: number; errors: number } }>();
    const of = (member: string) => {
      let entry = children.get(member);
      if (entry === undefined) {
        const counts = { calls: 0, errors: 0 };
        totals.set(member, counts);
        entry = {
          calls: this.profileCalls.labels(profile, member),
          errors: this.profileErrors.labels(profile, member),
          totals: counts,
        };
        children.set(member, entry);
      }
      return entry;
    };
    const sink: MemberSink = {
      called: (member) => {
        const entry = of(member);
        entry.totals.calls += 1;
        entry.calls.inc();
      },
      failed: (member) => {
        const entry = of(member);
        entry.totals.errors += 1;
        entry.errors.inc();
      },
    };
    this.profiles.set(profile, sink);
    return sink;
  }

  // ---- readers

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Each server's call figures, the name its meter counts under. */
  serverMeters(): ReadonlyMap<string, { window: WindowFigures; tools: ToolFigures[] }> {
    const result = new Map<string, { window: WindowFigures; tools: ToolFigures[] }>();
    for (const [name, meter] of this.servers) {
      result.set(name, {
        window: meter.window.figures(),
        tools: [...meter.tools.entries()].map(([tool, t]) => ({
          tool,
          totals: { ...t.totals },
          window: t.window.figures(),
        })),
      });
    }
    return result;
  }

  /** One server's calls over the last `windowMs` (at most a minute is kept); undefined before its first call. */
  callWindow(server: string, windowMs: number): WindowFigures | undefined {
    return this.servers.get(server)?.window.figures(windowMs / 1000);
  }

  /** A server's tools/call answers since the daemon started (errors: isError results and JSON-RPC errors). */
  callTotals(server: string): { calls: number; errors: number } | undefined {
    const meter = this.servers.get(server);
    if (meter === undefined) return undefined;
    let calls = 0;
    let errors = 0;
    for (const { totals } of meter.tools.values()) {
      calls += totals.ok + totals.tool_error + totals.rpc_error;
      errors += totals.tool_error + totals.rpc_error;
    }
    return { calls, errors };
  }

  rejectedCounts(): Record<RejectReason, number> {
    return { ...this.rejectedTotals };
  }

  forwardedCounts(): Record<ForwardReason, number> {
    return { ...this.forwardedTotals };
  }

  profileCounts(): Array<{ profile: string; member: string; calls: number; errors: number }> {
    const rows: Array<{ profile: string; member: string; calls: number; errors: number }> = [];
    for (const [profile, members] of this.profileTotals) {
      for (const [member, counts] of members) rows.push({ profile, member, ...counts });
    }
    return rows;
  }

  messageCounts(): { in: number; out: number } {
    let inbound = 0;
    let outbound = 0;
    for (const target of this.targets.values()) {
      inbound += target.inboundTotal;
      outbound += target.outboundTotal;
    }
    return { in: inbound, out: outbound };
  }

  private server(name: string): ServerMeter {
    let meter = this.servers.get(name);
    if (meter === undefined) {
      meter = new ServerMeter(this, name);
      this.servers.set(name, meter);
    }
    return meter;
  }

  private targetMessages(target: string): TargetMessages {
    let sink = this.targets.get(target);
    if (sink === undefined) {
      sink = new TargetMessages();
      this.targets.set(target, sink);
    }
    return sink;
  }

  /** Figures that exist elsewhere (supervisor, gateway, /proc): read into the registry on each scrape. */
  private defineScrapedMetrics(registers: Registry[]): void {
    const sources = this.sources;
    const metrics = this;
    new Gauge({
      name: 'mcpctl_server_state',
      help: "1 for each server's current state, 0 for the others",
      labelNames: ['server', 'state'],
      registers,
      collect() {
        this.reset();
        for (const { spec, instance } of sources.servers()) {
          for (const state of INSTANCE_STATES) this.set({ server: spec.name, state }, state === instance.state ? 1 : 0);
        }
      },
    });
    new Counter({
      name: 'mcpctl_server_restarts_total',
      help: 'Restarts of each server since it was defined',
      labelNames: ['server'],
      registers,
      collect() {
        this.reset();
        for (const { spec, instance } of sources.servers()) this.inc({ server: spec.name }, instance.restarts);
      },
    });
    new Gauge({
      name: 'mcpctl_server_uptime_seconds',
      help: 'Seconds since each running server last became running (absent when not running)',
      labelNames: ['server'],
      registers,
      collect() {
        this.reset();
        const now = sources.now();
        for (const { spec, instance } of sources.servers()) {
          if (instance.runningSince !== undefined)
            this.set({ server: spec.name }, Math.max(0, (now - instance.runningSince) / 1000));
        }
      },
    });
    new Counter({
      name: 'mcpctl_server_cpu_seconds_total',
      help: "User and system CPU seconds of each server's whole process tree (Linux only, from /proc)",
      labelNames: ['server'],
      registers,
      collect() {
        this.reset();
        for (const [server, usage] of metrics.usage.read() ?? []) this.inc({ server }, usage.cpuSeconds);
      },
    });
    new Gauge({
      name: 'mcpctl_server_memory_rss_bytes',
      help: "Resident memory of each server's whole process tree (Linux only, from /proc)",
      labelNames: ['server'],
      registers,
      collect() {
        this.reset();
        for (const [server, usage] of metrics.usage.read() ?? []) this.set({ server }, usage.rssBytes);
      },
    });
    new Gauge({
      name: 'mcpctl_gateway_sessions',
      help: 'Open gateway sessions, by target (server, or profiles/NAME) and transport',
      labelNames: ['target', 'transport'],
      registers,
      collect() {
        this.reset();
        const counts = new Map<string, { target: string; transport: string; n: number }>();
        for (const session of sources.sessions()) {
          const key = `${session.server}\n${session.transport}`;
          const entry = counts.get(key) ?? { target: session.server, transport: session.transport, n: 0 };
          entry.n += 1;
          counts.set(key, entry);
        }
        for (const { target, transport, n } of counts.values()) this.set({ target, transport }, n);
      },
    });
    new Counter({
      name: 'mcpctl_gateway_bytes_total',
      help: "Bytes on the wire of the gateway listener's connections, by direction",
      labelNames: ['direction'],
      registers,
      collect() {
        this.reset();
        const { bytesIn, bytesOut } = sources.traffic();
        this.inc({ direction: 'in' }, bytesIn);
        this.inc({ direction: 'out' }, bytesOut);
      },
    });
  }
}

/** The process-tree usage of every server with processes, by name; null without /proc. Read at most once a second. */
export class UsageSampler {
  private cache: { at: number; usage: Map<string, TreeUsage> | null } | undefined;

  constructor(private readonly sources: Pick<MetricsSources, 'servers' | 'now'>) {}

  read(): Map<string, TreeUsage> | null {
    const at = this.sources.now();
    if (this.cache !== undefined && at - this.cache.at < USAGE_TTL_MS) return this.cache.usage;
    const snapshot = ProcessSnapshot.take();
    let usage: Map<string, TreeUsage> | null = null;
    if (snapshot !== null) {
      usage = new Map();
      for (const entry of this.sources.servers()) {
        const roots = pidsOf(entry);
        if (roots.length > 0) usage.set(entry.spec.name, snapshot.usage(roots));
      }
    }
    this.cache = { at, usage };
    return usage;
  }
}

export interface ToolFigures {
  tool: string;
  totals: Record<CallOutcome, number>;
  window: WindowFigures;
}

/** The processes a server runs: its runner's, or each process of an isolated pool. */
function pidsOf(entry: ServerEntry): number[] {
  const runner = entry.instance.runner;
  if (runner === undefined) return [];
  if (runner.pid !== null) return [runner.pid];
  return (runner.processes?.() ?? []).flatMap((p) => (p.pid === null ? [] : [p.pid]));
}
