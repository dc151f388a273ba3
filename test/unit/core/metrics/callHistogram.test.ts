import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CallHistogram } from '../../../../src/core/metrics/callHistogram.js';

describe('CallHistogram', () => {
  it('counts each value in the first bucket whose bound it does not exceed (le), cumulative in the text format', async () => {
    const registry = new Registry();
    const histogram = new CallHistogram('x_seconds', 'test', [0.1, 1], registry);
    const a = histogram.labels('a');
    for (const seconds of [0.05, 0.1, 0.5, 1, 7]) a.observe(seconds);
    histogram.labels('b').observe(0.2);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE x_seconds histogram\n');
    // As series, the way the metrics integration test reads histograms (a family per server's run of lines).
    const families = parsePrometheusTextFormat(text.replace('# TYPE x_seconds histogram\n', ''));
    const value = (name: string, labels: Record<string, string>) =>
      families
        .filter((family) => family.name === name)
        .flatMap((family) => family.metrics)
        .find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value;
    expect(['0.1', '1', '+Inf'].map((le) => value('x_seconds_bucket', { server: 'a', le }))).toEqual(['2', '4', '5']);
    expect(['0.1', '1', '+Inf'].map((le) => value('x_seconds_bucket', { server: 'b', le }))).toEqual(['0', '1', '1']);
    expect(value('x_seconds_count', { server: 'a' })).toBe('5');
    expect(Number(value('x_seconds_sum', { server: 'a' }))).toBeCloseTo(8.65);
  });
});
