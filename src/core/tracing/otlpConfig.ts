import * as z from 'zod';
import { McpctlError } from '../../shared/errors.js';

/**
 * Tracing is configured the OpenTelemetry way, by the standard `OTEL_*` variables of the daemon's
 * environment (no mcpctl setting): set `OTEL_EXPORTER_OTLP_ENDPOINT` and the daemon exports spans
 * and the MCP duration metrics over OTLP/HTTP with JSON bodies; leave it unset and none of the
 * SDK is loaded.
 */
export interface OtlpConfig {
  tracesUrl: string;
  metricsUrl: string;
  headers: Record<string, string>;
  resource: Record<string, string>;
  /** How long finished spans wait to be sent together (OTEL_BSP_SCHEDULE_DELAY). */
  spanDelayMs: number;
  /** How often the metrics are sent (OTEL_METRIC_EXPORT_INTERVAL). */
  metricIntervalMs: number;
}

/** Whether the daemon traces at all: the one check made when tracing is off. */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  return (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() !== '' && env.OTEL_SDK_DISABLED?.trim() !== 'true';
}

const httpUrl = z
  .string()
  .trim()
  .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), 'must be an http(s) URL');
const milliseconds = (fallback: number) =>
  z.preprocess(
    (text) => (text === undefined || text === '' ? fallback : Number(text)),
    z.number().int('must be a whole number of milliseconds').positive('must be above 0'),
  );

const otelEnvSchema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: httpUrl.optional(),
  // OTLP/HTTP collectors take JSON and protobuf on the same port; gRPC is another protocol.
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(['http/json', 'http/protobuf'], { error: "must be 'http/json' (mcpctl sends JSON over OTLP/HTTP)" })
    .optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
  OTEL_BSP_SCHEDULE_DELAY: milliseconds(5000),
  OTEL_METRIC_EXPORT_INTERVAL: milliseconds(60_000),
});

/** `key1=value1,key2=value2` with percent-encoded values: OTLP headers and resource attributes. */
export function parseKeyValues(text: string | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of (text ?? '').split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) continue;
    const key = item.slice(0, at).trim();
    try {
      pairs[key] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      pairs[key] = item.slice(at + 1).trim();
    }
  }
  return pairs;
}

/** The signal's URL under a base endpoint, as the OTLP exporter spec joins them. */
function signalUrl(base: string, signal: 'traces' | 'metrics'): string {
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

/** The OTLP settings of `env`; call only when `tracingRequested(env)`. A bad value stops the daemon (exit 3). */
export function otlpConfig(env: NodeJS.ProcessEnv): OtlpConfig {
  const parsed = otelEnvSchema.safeParse(Object.fromEntries(Object.keys(otelEnvSchema.shape).map((k) => [k, env[k]])));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new McpctlError('CONFIG_INVALID', `invalid OpenTelemetry settings: ${problems}`, {
      hint: 'correct the OTEL_* variables named above in the daemon environment, or unset OTEL_EXPORTER_OTLP_ENDPOINT',
    });
  }
  const vars = parsed.data;
  const endpoint = vars.OTEL_EXPORTER_OTLP_ENDPOINT;
  const attributes = parseKeyValues(vars.OTEL_RESOURCE_ATTRIBUTES);
  return {
    tracesUrl: vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? signalUrl(endpoint, 'traces'),
    metricsUrl: vars.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? signalUrl(endpoint, 'metrics'),
    headers: parseKeyValues(vars.OTEL_EXPORTER_OTLP_HEADERS),
    resource: { ...attributes, 'service.name': vars.OTEL_SERVICE_NAME ?? attributes['service.name'] ?? 'mcpctl' },
    spanDelayMs: vars.OTEL_BSP_SCHEDULE_DELAY,
    metricIntervalMs: vars.OTEL_METRIC_EXPORT_INTERVAL,
  };
}
