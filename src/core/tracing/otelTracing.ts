import {
  type Context,
  DiagLogLevel,
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  type Histogram,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { JsonRpcRequest, JsonRpcResponse } from '../../protocol/jsonrpc.js';
import type { SessionBackend } from '../../protocol/session.js';
import {
  type RequestSpan,
  type SessionTracer,
  type TraceContext,
  type TracedSession,
  tracedBackend,
} from '../../protocol/tracing.js';
import type { Logger } from '../../shared/logger.js';
import type { GatewayTracing } from './gatewayTracing.js';
import {
  endingOf,
  OPERATION_BUCKETS,
  OTHER,
  operationMetricAttributes,
  requestAttributes,
  SESSION_BUCKETS,
  sessionMetricAttributes,
  spanName,
  type TracedTarget,
  upstreamAttributes,
} from './mcpSemconv.js';
import type { OtlpConfig } from './otlpConfig.js';

/** Tool names kept apart per target in the metrics; further ones are `_OTHER` (spans keep every name). */
const MAX_TOOLS_PER_TARGET = 100;

/** The SDK's own complaints (an unreachable collector) go to the daemon log, warnings and up. */
function bridgeDiagnostics(logger: Logger): void {
  const log =
    (level: 'warn' | 'error') =>
    (message: string, ...args: unknown[]): void =>
      logger[level]({ component: 'opentelemetry', detail: args.map(String).join(' ') || undefined }, message);
  const quiet = (): void => {};
  diag.setLogger(
    { error: log('error'), warn: log('warn'), info: quiet, debug: quiet, verbose: quiet },
    DiagLogLevel.WARN,
  );
}

/** The spans and the two MCP duration metrics, exported over OTLP/HTTP (JSON). */
export function startOtelTracing(config: OtlpConfig, deps: { version: string; logger: Logger }): GatewayTracing {
  bridgeDiagnostics(deps.logger);
  const resource = resourceFromAttributes({ 'service.version': deps.version, ...config.resource });
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl, headers: config.headers }), {
        scheduledDelayMillis: config.spanDelayMs,
      }),
    ],
  });
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: config.metricsUrl, headers: config.headers }),
        exportIntervalMillis: config.metricIntervalMs,
        exportTimeoutMillis: Math.min(30_000, config.metricIntervalMs),
      }),
    ],
  });
  const tracer = tracerProvider.getTracer('mcpctl', deps.version);
  const meter = meterProvider.getMeter('mcpctl', deps.version);
  const durations: Durations = {
    operation: meter.createHistogram('mcp.server.operation.duration', {
      unit: 's',
      description: 'MCP request duration as observed on the gateway, from its arrival until its answer left',
      advice: { explicitBucketBoundaries: OPERATION_BUCKETS },
    }),
    session: meter.createHistogram('mcp.server.session.duration', {
      unit: 's',
      description: 'The duration of a gateway MCP session',
      advice: { explicitBucketBoundaries: SESSION_BUCKETS },
    }),
  };
  const propagator = new W3CTraceContextPropagator();
  const wrapped = new WeakMap<SessionBackend, SessionBackend>();
  deps.logger.info(
    { traces: config.tracesUrl, metrics: config.metricsUrl },
    'exporting OpenTelemetry traces and metrics',
  );
  return {
    backend(target, backend, upstream) {
      let traced = wrapped.get(backend);
      if (traced === undefined) {
        traced = tracedBackend(backend, targetTracer({ tracer, durations, propagator, target, upstream }));
        wrapped.set(backend, traced);
      }
      return traced;
    },
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

interface Durations {
  operation: Histogram;
  session: Histogram;
}

/**
 * One gateway target's tracer. Each request gets a SERVER span (the client's call, its parent the
 * context the client sent) and, inside it, a CLIENT span for the call the gateway makes upstream,
 * whose context is what the upstream receives: its spans then nest under the gateway's.
 */
function targetTracer(options: {
  tracer: Tracer;
  durations: Durations;
  propagator: W3CTraceContextPropagator;
  target: TracedTarget;
  upstream: 'stdio' | 'http' | undefined;
}): SessionTracer {
  const { tracer, durations, propagator, target } = options;
  const toward = upstreamAttributes(options.upstream);
  const tools = new Set<string>();
  const toolName = (name: string): string => {
    if (tools.has(name)) return name;
    if (tools.size >= MAX_TOOLS_PER_TARGET) return OTHER;
    tools.add(name);
    return name;
  };
  const parentOf = (parent: TraceContext | undefined): Context =>
    parent === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, parent, defaultTextMapGetter);
  return {
    request(request: JsonRpcRequest, parent: TraceContext | undefined, session: TracedSession): RequestSpan {
      const started = performance.now();
      const name = spanName(request);
      const attributes = requestAttributes(request, session, target);
      const server = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parentOf(parent));
      const inServer = trace.setSpan(ROOT_CONTEXT, server);
      const client = tracer.startSpan(
        name,
        { kind: SpanKind.CLIENT, attributes: { ...attributes, ...toward } },
        inServer,
      );
      const carrier: Record<string, string> = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, client), carrier, defaultTextMapSetter);
      const context: TraceContext | undefined =
        carrier.traceparent === undefined
          ? undefined
          : { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) };
      return {
        context,
        end(outcome: JsonRpcResponse | string) {
          const ending = endingOf(outcome);
          const version =
            session.protocolVersion === undefined ? {} : { 'mcp.protocol.version': session.protocolVersion };
          for (const span of [client, server]) {
            span.setAttributes({ ...version, ...ending.attributes });
            if (ending.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: ending.error });
            span.end();
          }
          durations.operation.record(
            (performance.now() - started) / 1000,
            operationMetricAttributes(request, ending, session, target, toolName),
          );
        },
      };
    },
    sessionEnded(seconds, session) {
      durations.session.record(seconds, sessionMetricAttributes(session, target));
    },
  };
}
