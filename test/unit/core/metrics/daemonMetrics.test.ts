import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { DaemonMetrics, MAX_TOOLS_PER_SERVER } from '../../../../src/core/metrics/daemonMetrics.js';
import { RollingWindow } from '../../../../src/core/metrics/rollingWindow.js';
import type { JsonRpcMessage } from '../../../../src/protocol/jsonrpc.js';
import type { SessionBackend, SessionOutput } from '../../../../src/protocol/session.js';

/** A backend that answers every request at once: a result, or isError for tools named `fail*`. */
const answering: SessionBackend = {
  open(id: string, output: SessionOutput) {
    return {
      id,
      receive(message: JsonRpcMessage) {
        if (!('id' in message) || !('method' in message)) return;
        const name = message.params?.name;
        const isError = typeof name === 'string' && name.startsWith('fail');
        output.deliver({ jsonrpc: '2.0', id: message.id, result: { content: [], ...(isError ? { isError } : {}) } });
      },
      close() {},
    };
  },
};

function daemonMetrics(): DaemonMetrics {
  return new DaemonMetrics({
    servers: () => [],
    sessions: () => [],
    traffic: () => ({ bytesIn: 0, bytesOut: 0 }),
    now: Date.now,
  });
}

function openSession(metrics: DaemonMetrics, delivered: JsonRpcMessage[] = []) {
  return metrics.gatewayBackend('srv', answering, false).open('s1', {
    deliver: (message) => delivered.push(message),
    close: () => {},
  });
}

async function samples(metrics: DaemonMetrics, name: string) {
  const families = parsePrometheusTextFormat((await metrics.scrape()).body);
  return families.find((f) => f.name === name)?.metrics ?? [];
}

describe('DaemonMetrics', () => {
  it(`counts at most ${MAX_TOOLS_PER_SERVER} tool names per server and folds the rest into "other"`, async () => {
    const metrics = daemonMetrics();
    const session = openSession(metrics);
    const total = MAX_TOOLS_PER_SERVER + 5;
    for (let i = 0; i < total; i++) {
      session.receive({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: `tool-${i}` } });
    }
    session.receive({ jsonrpc: '2.0', id: 'again', method: 'tools/call', params: { name: 'tool-0' } });
    const calls = await samples(metrics, 'mcpctl_tool_calls_total');
    const tools = new Set(calls.map((m) => m.labels?.tool));
    expect(tools.size).toBe(MAX_TOOLS_PER_SERVER + 1);
    expect(calls.find((m) => m.labels?.tool === 'other')?.value).toBe('5');
    expect(calls.find((m) => m.labels?.tool === 'tool-0')?.value).toBe('2');
  });

  it('passes every message through unchanged, and tells results, isError results and errors apart', async () => {
    const metrics = daemonMetrics();
    const delivered: JsonRpcMessage[] = [];
    const session = openSession(metrics, delivered);
    session.receive({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ok-tool' } });
    session.receive({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fail-tool' } });
    expect(delivered).toEqual([
      { jsonrpc: '2.0', id: 1, result: { content: [] } },
      { jsonrpc: '2.0', id: 2, result: { content: [], isError: true } },
    ]);
    const calls = await samples(metrics, 'mcpctl_tool_calls_total');
    expect(calls.map((m) => [m.labels?.tool, m.labels?.outcome, m.value])).toEqual([
      ['ok-tool', 'ok', '1'],
      ['fail-tool', 'tool_error', '1'],
    ]);
  });

  it('folds methods nobody knows into "other", without a series per made-up name', async () => {
    const metrics = daemonMetrics();
    const session = openSession(metrics);
    for (const method of ['vendor/one', 'vendor/two', 'x/y', 'ping']) session.receive({ jsonrpc: '2.0', method });
    const messages = await samples(metrics, 'mcpctl_gateway_messages_total');
    expect(messages.map((m) => [m.labels?.method, m.value])).toEqual([
      ['other', '3'],
      ['ping', '1'],
    ]);
  });
});

describe('RollingWindow', () => {
  it('keeps the last minute: rates, errors and percentiles of the calls within it only', () => {
    let now = 1_000_000;
    const window = new RollingWindow(() => now);
    for (let i = 1; i <= 100; i++) window.record(i / 1000, i % 10 === 0);
    expect(window.figures()).toEqual({ callsPerSecond: 1.667, calls: 100, errors: 10, p50Ms: 50, p95Ms: 95 });
    now += 30_000;
    window.record(0.5, false);
    expect(window.figures()).toMatchObject({ calls: 101, errors: 10 });
    now += 31_000;
    expect(window.figures()).toEqual({ callsPerSecond: 0.017, calls: 1, errors: 0, p50Ms: 500, p95Ms: 500 });
    now += 60_000;
    expect(window.figures()).toEqual({ callsPerSecond: 0, calls: 0, errors: 0, p50Ms: null, p95Ms: null });
  });
});
