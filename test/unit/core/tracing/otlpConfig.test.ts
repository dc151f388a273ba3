import { describe, expect, it } from 'vitest';
import { otlpConfig, tracingRequested } from '../../../../src/core/tracing/otlpConfig.js';

describe('the OTEL_* variables', () => {
  it('tracing is on only with OTEL_EXPORTER_OTLP_ENDPOINT set, and OTEL_SDK_DISABLED=true turns it off', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('joins the signal paths under the base endpoint; signal endpoints, headers and the service name as the spec says', () => {
    expect(otlpConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      metricsUrl: 'http://collector:4318/v1/metrics',
      headers: {},
      resource: { 'service.name': 'mcpctl' },
      spanDelayMs: 5000,
      metricIntervalMs: 60_000,
    });
    const config = otlpConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector/otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/v1/t',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-team=obs',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs,deployment.environment=dev',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    expect(config.tracesUrl).toBe('https://traces.example/v1/t');
    expect(config.metricsUrl).toBe('https://collector/otlp/v1/metrics');
    expect(config.headers).toEqual({ authorization: 'Bearer abc', 'x-team': 'obs' });
    expect(config.resource).toEqual({ 'service.name': 'from-attrs', 'deployment.environment': 'dev' });
    expect(config.spanDelayMs).toBe(50);
  });

  it('refuses what would export nothing (exit 3 naming the variable): a non-http URL, gRPC, a bad interval', () => {
    expect(() => otlpConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
    );
    expect(() =>
      otlpConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    ).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL must be 'http\/json'/);
    expect(() =>
      otlpConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRIC_EXPORT_INTERVAL: 'soon' }),
    ).toThrow(/OTEL_METRIC_EXPORT_INTERVAL/);
    try {
      otlpConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://c' });
    } catch (error) {
      expect((error as { code?: string }).code).toBe('CONFIG_INVALID');
    }
  });
});
