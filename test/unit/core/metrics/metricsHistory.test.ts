import { describe, expect, it } from 'vitest';
import { DaemonMetrics } from '../../../../src/core/metrics/daemonMetrics.js';
import { HISTORY_SLOTS, type HistorySources, MetricsHistory } from '../../../../src/core/metrics/metricsHistory.js';
import type { TreeUsage } from '../../../../src/daemon/process/processTree.js';
import type { JsonRpcMessage } from '../../../../src/protocol/jsonrpc.js';
import type { SessionBackend, SessionOutput } from '../../../../src/protocol/session.js';

const MINUTE = 60_000;

/** Answers every tools/call at once: isError for tools named `fail*`. */
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

/** A real DaemonMetrics fed by real metered calls, a hand-set /proc reading and a clock the test moves. */
function setup() {
  let now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const usage = new Map<string, TreeUsage>();
  const servers = ['srv', 'other'];
  const metrics = new DaemonMetrics({
    servers: () => [],
    sessions: () => [],
    traffic: () => ({ bytesIn: 0, bytesOut: 0 }),
    now: () => now,
  });
  const session = metrics.gatewayBackend('srv', answering, false).open('s1', { deliver: () => {}, close: () => {} });
  let id = 0;
  const call = (tool: string, times = 1) => {
    for (let i = 0; i < times; i++)
      session.receive({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: tool } });
  };
  const sources: HistorySources = {
    servers: () => servers,
    callTotals: (name) => metrics.callTotals(name),
    p95Ms: (name, seconds) => metrics.callWindow(name, seconds * 1000)?.p95Ms ?? null,
    usage: () => usage,
    now: () => now,
  };
  const history = new MetricsHistory(sources);
  return {
    history,
    call,
    usage,
    servers,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('MetricsHistory', () => {
  it("turns each minute's calls, errors, CPU and memory into one point, the minute in progress last", () => {
    const t = setup();
    t.advance(20_000);
    t.call('echo', 4);
    t.call('fail', 1);
    t.usage.set('srv', { cpuSeconds: 2, rssBytes: 1000, processes: 1 });
    t.advance(40_000);
    t.history.roll();
    t.call('echo', 2);
    t.usage.set('srv', { cpuSeconds: 2.5, rssBytes: 2000, processes: 1 });
    t.advance(30_000);
    const [closed, current, ...rest] = t.history.points('srv');
    expect(rest).toEqual([]);
    expect(closed).toMatchObject({ seconds: 60, calls: 5, errors: 1, cpuSeconds: 2, rssBytes: 1000 });
    expect(closed?.p95Ms).not.toBeNull();
    expect(current).toMatchObject({ seconds: 30, calls: 2, errors: 0, cpuSeconds: 0.5, rssBytes: 2000 });
    expect(current?.start).toBe((closed?.start ?? 0) + MINUTE);
    // A server that never ran has points with nothing in them.
    expect(t.history.points('other')).toEqual([
      expect.objectContaining({ calls: 0, p95Ms: null, cpuSeconds: null, rssBytes: null }),
      expect.objectContaining({ calls: 0, cpuSeconds: null }),
    ]);
  });

  it(`keeps the last ${HISTORY_SLOTS} minutes, dropping the oldest as it rolls on`, () => {
    const t = setup();
    for (let minute = 1; minute <= HISTORY_SLOTS + 10; minute++) {
      t.call('echo', minute);
      t.advance(MINUTE);
      t.history.roll();
    }
    const points = t.history.points('srv');
    // 60 closed minutes and the one in progress.
    expect(points).toHaveLength(HISTORY_SLOTS + 1);
    expect(points[0]?.calls).toBe(11);
    expect(points[HISTORY_SLOTS - 1]?.calls).toBe(HISTORY_SLOTS + 10);
    expect(points[HISTORY_SLOTS]?.calls).toBe(0);
  });

  it('counts a restarted process tree from zero, and forgets a removed server', () => {
    const t = setup();
    t.usage.set('srv', { cpuSeconds: 5, rssBytes: 1, processes: 1 });
    t.advance(MINUTE);
    t.history.roll();
    t.usage.set('srv', { cpuSeconds: 1, rssBytes: 1, processes: 1 });
    t.advance(MINUTE);
    t.history.roll();
    expect(t.history.points('srv').map((point) => point.cpuSeconds)).toEqual([5, 1, 0]);
    t.servers.splice(0, 1);
    t.advance(MINUTE);
    t.history.roll();
    expect(t.history.points('srv')).toHaveLength(1);
  });
});
