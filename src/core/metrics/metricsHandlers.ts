import type { ControlHandlers, MetricsSnapshot } from '../api.js';
import type { Supervisor } from '../servers/supervisor.js';
import type { GatewayControl } from '../sessions/gatewayControl.js';
import type { DaemonMetrics, UsageSampler } from './daemonMetrics.js';
import type { MetricsHistory } from './metricsHistory.js';
import type { WindowFigures } from './rollingWindow.js';

export interface MetricsHandlerDeps {
  supervisor: Supervisor;
  gateway: GatewayControl;
  /** Absent when `metrics.enabled` is false. */
  metrics: DaemonMetrics | undefined;
  /** Process usage, read whether metrics are on or not (`top` shows it either way). */
  usage: UsageSampler;
  /** Each server's last hour (`history: true`); absent: the answer has none. */
  history?: MetricsHistory | undefined;
  now(): number;
}

const NO_CALLS = { ok: 0, tool_error: 0, rpc_error: 0 };
const EMPTY_WINDOW: WindowFigures = { callsPerSecond: 0, calls: 0, errors: 0, p50Ms: null, p95Ms: null };

/** `metrics`: the figures `/metrics` exposes, per server, for a table. */
export function createMetricsHandlers(deps: MetricsHandlerDeps): Pick<ControlHandlers, 'metrics'> {
  return {
    async metrics({ server, history }) {
      const entries = server === undefined ? deps.supervisor.list() : [deps.supervisor.get(server)];
      const usage = deps.usage.read();
      const meters = deps.metrics?.serverMeters();
      const live = deps.gateway.liveSessions();
      const sessionsOf = new Map<string, number>();
      const byTransport = new Map<string, { target: string; transport: string; count: number }>();
      for (const session of live) {
        sessionsOf.set(session.server, (sessionsOf.get(session.server) ?? 0) + 1);
        const key = `${session.server}\n${session.transport}`;
        const entry = byTransport.get(key) ?? { target: session.server, transport: session.transport, count: 0 };
        entry.count += 1;
        byTransport.set(key, entry);
      }
      const now = deps.now();
      const servers: MetricsSnapshot['servers'] = entries.map(({ spec, instance }) => {
        const meter = meters?.get(spec.name);
        const calls = { ...NO_CALLS };
        for (const tool of meter?.tools ?? []) {
          calls.ok += tool.totals.ok;
          calls.tool_error += tool.totals.tool_error;
          calls.rpc_error += tool.totals.rpc_error;
        }
        const treeUsage = usage?.get(spec.name);
        return {
          name: spec.name,
          state: instance.state,
          restarts: instance.restarts,
          uptimeSeconds: instance.runningSince === undefined ? null : Math.floor((now - instance.runningSince) / 1000),
          cpuSeconds: treeUsage?.cpuSeconds ?? null,
          rssBytes: treeUsage?.rssBytes ?? null,
          sessions: sessionsOf.get(spec.name) ?? 0,
          calls,
          window: meter?.window ?? EMPTY_WINDOW,
          tools: (meter?.tools ?? [])
            .map((tool) => ({ tool: tool.tool, calls: tool.totals, window: tool.window }))
            .sort((a, b) => a.tool.localeCompare(b.tool)),
          ...(history && deps.history ? { history: deps.history.points(spec.name) } : {}),
        };
      });
      const traffic = deps.gateway.traffic?.() ?? { bytesIn: 0, bytesOut: 0 };
      const messages = deps.metrics?.messageCounts() ?? { in: 0, out: 0 };
      return {
        enabled: deps.metrics !== undefined,
        usageAvailable: usage !== null,
        servers,
        profiles: server === undefined ? (deps.metrics?.profileCounts() ?? []) : [],
        gateway: {
          sessions: [...byTransport.values()],
          messagesIn: messages.in,
          messagesOut: messages.out,
          bytesIn: traffic.bytesIn,
          bytesOut: traffic.bytesOut,
          rejected: deps.metrics?.rejectedCounts() ?? {},
          forwarded: deps.metrics?.forwardedCounts() ?? {},
        },
      };
    },
  };
}
