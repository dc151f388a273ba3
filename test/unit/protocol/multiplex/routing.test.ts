import { describe, expect, it } from 'vitest';
import type { JsonRpcNotification, JsonRpcRequest } from '../../../../src/protocol/jsonrpc.js';
import { progressTokenOf } from '../../../../src/protocol/multiplex/progressTokens.js';
import type { SharedUpstream } from '../../../../src/protocol/multiplex/sharedUpstream.js';
import { isNotificationOf, resultOf, TestClient, textOf, type Upstream, withSharedEverything } from './harness.js';

let upstream: Upstream;
let shared: SharedUpstream;

withSharedEverything((fixture) => {
  ({ upstream, shared } = fixture);
});

async function openInitialized(sessionId: string): Promise<TestClient> {
  const client = TestClient.open(shared, sessionId);
  await client.initialize();
  return client;
}

/** The long-running call most recently sent upstream. */
function lastLongRunSent(): JsonRpcRequest {
  const found = upstream.sent.findLast(
    (m): m is JsonRpcRequest => 'id' in m && 'method' in m && m.params?.name === 'trigger-long-running-operation',
  );
  if (found === undefined) throw new Error('no long-running call reached the upstream');
  return found;
}

function longRun(duration: number, steps: number) {
  return { name: 'trigger-long-running-operation', arguments: { duration, steps } };
}

describe('SharedUpstream routing on server-everything', () => {
  it('gives 20 concurrent sessions × 100 echo calls each its own answers', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => openInitialized(`many-${i}`)));
    await Promise.all(
      clients.map(async (client, i) => {
        // Every session uses ids 1..100: only the id rewriting keeps them apart upstream.
        for (let n = 1; n <= 100; n++) {
          const response = await client.request(
            'tools/call',
            { name: 'echo', arguments: { message: `s${i}-${n}` } },
            n,
          );
          expect(textOf(response)).toBe(`Echo: s${i}-${n}`);
        }
      }),
    );
    for (const client of clients) {
      const answers = client.deliveries.filter((d) => 'id' in d.message && d.message.id !== 'init');
      expect(answers).toHaveLength(100);
      for (const { message, related } of answers) expect(related).toBe((message as { id: number }).id);
      client.endSession();
    }
    const echoIds = upstream.sent
      .filter((m) => 'method' in m && m.method === 'tools/call')
      .map((m) => (m as JsonRpcRequest).id);
    expect(new Set(echoIds).size).toBe(echoIds.length);
  });

  it('delivers progress only to the caller, under its own token', async () => {
    const [a, b, bystander] = await Promise.all([
      openInitialized('prog-a'),
      openInitialized('prog-b'),
      openInitialized('prog-c'),
    ]);
    // Same client id and same progress token in both sessions.
    const meta = { _meta: { progressToken: 'tok' } };
    const [ra, rb] = await Promise.all([
      a.request('tools/call', { ...longRun(0.4, 2), ...meta }, 7),
      b.request('tools/call', { ...longRun(0.6, 3), ...meta }, 7),
    ]);
    expect(textOf(ra)).toContain('Steps: 2');
    expect(textOf(rb)).toContain('Steps: 3');
    const progressOf = (client: TestClient) => client.notifications('notifications/progress');
    expect(progressOf(a).map((d) => [d.message, d.related])).toEqual([
      [
        { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1, total: 2, progressToken: 'tok' } },
        7,
      ],
      [
        { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 2, total: 2, progressToken: 'tok' } },
        7,
      ],
    ]);
    expect(progressOf(b).map((d) => (d.message as JsonRpcNotification).params?.total)).toEqual([3, 3, 3]);
    expect(progressOf(bystander)).toEqual([]);
    // Upstream saw two distinct tokens, neither of them the clients' own.
    const tokens = upstream.sent
      .filter((m) => 'method' in m && m.method === 'tools/call' && m.params?._meta !== undefined)
      .map((m) => progressTokenOf((m as JsonRpcRequest).params));
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens).not.toContain('tok');
    for (const client of [a, b, bystander]) client.endSession();
  });

  it('forwards a cancellation upstream under the upstream id, and the call never answers', async () => {
    const client = await openInitialized('cancel');
    const id = 'to-cancel';
    const firstProgress = client.waitFor(
      (d) => isNotificationOf(d.message, 'notifications/progress'),
      'first progress',
    );
    client.send({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { ...longRun(0.6, 3), _meta: { progressToken: 1 } },
    });
    await firstProgress;
    const cancelledId = lastLongRunSent().id;
    client.notify('notifications/cancelled', { requestId: id, reason: 'user pressed stop' });
    expect(upstream.sent.at(-1)).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: cancelledId, reason: 'user pressed stop' },
    });
    expect(shared.sessionStats().find((s) => s.id === 'cancel')?.inFlight).toBe(0);
    // A second, identical operation started after the cancel ends after the first would have.
    await client.request('tools/call', longRun(0.6, 3));
    expect(upstream.received.some((m) => !('method' in m) && m.id === cancelledId)).toBe(false);
    expect(client.deliveries.some((d) => !('method' in d.message) && d.message.id === id)).toBe(false);
    client.endSession();
  });

  it('cancels a closing session’s calls upstream and leaves the others unharmed', async () => {
    const [leaver, ...stayers] = await Promise.all(['leave', 'stay-1', 'stay-2'].map((s) => openInitialized(s)));
    if (leaver === undefined) throw new Error('no session');
    const started = leaver.waitFor(
      (d) => isNotificationOf(d.message, 'notifications/progress'),
      'progress of the leaver',
    );
    leaver.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { ...longRun(0.6, 3), _meta: { progressToken: 'x' } },
    });
    const echoes = stayers.map(async (client, i) => {
      for (let n = 0; n < 30; n++) {
        expect(textOf(await client.request('tools/call', { name: 'echo', arguments: { message: `${i}:${n}` } }))).toBe(
          `Echo: ${i}:${n}`,
        );
      }
    });
    await started;
    const leaverCallId = lastLongRunSent().id;
    const seenBeforeClose = leaver.deliveries.length;
    leaver.endSession();
    expect(upstream.sent).toContainEqual({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: leaverCallId, reason: 'client disconnected' },
    });
    await Promise.all(echoes);
    // Outlast the abandoned operation: whatever it still sends is dropped, not misdelivered.
    const late = stayers[0] as TestClient;
    await late.request('tools/call', longRun(0.6, 3));
    expect(leaver.deliveries).toHaveLength(seenBeforeClose);
    expect(shared.sessionStats().map((s) => s.id)).not.toContain('leave');
    for (const client of stayers) {
      expect(client.deliveries.every((d) => !('error' in d.message))).toBe(true);
      client.endSession();
    }
  });

  it('counts requests and errors per session for session ls', async () => {
    const client = await openInitialized('counted');
    resultOf(await client.request('ping'));
    await client.request('tools/call', { name: 'echo', arguments: { message: 'x' } });
    await client.request('no/such-method');
    const stats = shared.sessionStats().find((s) => s.id === 'counted');
    expect(stats).toMatchObject({
      clientInfo: { name: 'test-client', version: '1.2.3' },
      requests: 4,
      errors: 1,
      inFlight: 0,
    });
    expect(stats?.lastActivity).toBeGreaterThanOrEqual(stats?.openedAt ?? Number.POSITIVE_INFINITY);
    client.endSession();
  });
});
