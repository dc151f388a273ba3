import { afterAll, describe, expect, it } from 'vitest';
import type { JsonRpcNotification } from '../../../../src/protocol/jsonrpc.js';
import { SharedUpstream } from '../../../../src/protocol/multiplex/sharedUpstream.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { resultOf, startEverything, TestClient, textOf, type Upstream } from './harness.js';

const started: Upstream[] = [];

afterAll(async () => {
  await Promise.all(started.map((upstream) => upstream.stop()));
});

async function start(): Promise<Upstream> {
  const upstream = await startEverything();
  started.push(upstream);
  return upstream;
}

describe('a shared upstream that exits and is restarted', () => {
  it('fails what was in flight with a clear error, then carries the sessions over to the new process', async () => {
    const first = await start();
    const shared = new SharedUpstream({
      identity: first.identity,
      send: (m) => first.send(m),
      logger: silentLogger,
      name: 'everything',
    });
    first.attach(shared);
    const worker = TestClient.open(shared, 'worker');
    const sampler = TestClient.open(shared, 'sampler');
    await worker.initialize();
    await sampler.initialize({ sampling: {} });
    resultOf(await worker.request('resources/subscribe', { uri: 'demo://kept' }));

    const longCall = worker.request('tools/call', {
      name: 'trigger-long-running-operation',
      arguments: { duration: 30, steps: 3 },
    });
    const samplingCall = sampler.request('tools/call', {
      name: 'trigger-sampling-request',
      arguments: { prompt: 'never answered' },
    });
    const asked = await sampler.waitFor((d) => 'method' in d.message && 'id' in d.message, 'the sampling request');

    first.child.kill('SIGKILL');
    await first.exited;
    shared.upstreamLost('killed by SIGKILL');

    const lost = {
      code: -32000,
      message: 'the upstream server everything exited (killed by SIGKILL); retry the request',
    };
    expect(await longCall).toMatchObject({ error: lost });
    expect(await samplingCall).toMatchObject({ error: lost });
    // The client is told its pending server request is void.
    expect(
      sampler.notifications('notifications/cancelled').map((d) => (d.message as JsonRpcNotification).params),
    ).toEqual([{ requestId: (asked.message as { id: number }).id, reason: 'the server exited' }]);
    // While it is down, requests fail at once instead of hanging.
    expect(await worker.request('tools/call', { name: 'echo', arguments: { message: 'x' } })).toMatchObject({
      error: { code: -32000, message: expect.stringContaining('is not running') },
    });
    // A subscription made meanwhile is kept for the next process.
    resultOf(await worker.request('resources/subscribe', { uri: 'demo://while-down' }));

    const second = await start();
    second.attach(shared);
    shared.upstreamReplaced(second.identity, (m) => second.send(m));
    expect(
      second.sent
        .filter((m) => 'method' in m && m.method === 'resources/subscribe')
        .map((m) => (m as JsonRpcNotification).params),
    ).toEqual([{ uri: 'demo://kept' }, { uri: 'demo://while-down' }]);
    expect(worker.notifications('notifications/tools/list_changed')).toHaveLength(1);
    expect(textOf(await worker.request('tools/call', { name: 'echo', arguments: { message: 'again' } }))).toBe(
      'Echo: again',
    );
    expect(
      shared
        .sessionStats()
        .map((s) => s.id)
        .sort(),
    ).toEqual(['sampler', 'worker']);
    worker.endSession();
    sampler.endSession();
  });

  it('ends every session when the upstream is gone for good, and one session on demand', async () => {
    const upstream = await start();
    const shared = new SharedUpstream({
      identity: upstream.identity,
      send: (m) => upstream.send(m),
      logger: silentLogger,
      name: 'everything',
    });
    upstream.attach(shared);
    const [kept, killed, waiting] = ['kept', 'killed', 'waiting'].map((id) => TestClient.open(shared, id)) as [
      TestClient,
      TestClient,
      TestClient,
    ];
    await Promise.all([kept.initialize(), killed.initialize(), waiting.initialize()]);

    expect(shared.endSession('killed', 'killed by an operator')).toBe(true);
    expect(killed.closedWith).toBe('killed by an operator');
    expect(shared.endSession('killed', 'again')).toBe(false);

    const call = waiting.request('tools/call', {
      name: 'trigger-long-running-operation',
      arguments: { duration: 30, steps: 3 },
    });
    shared.shutdown('the server was stopped');
    expect(await call).toMatchObject({
      error: { code: -32000, message: expect.stringContaining('the server was stopped') },
    });
    expect([kept.closedWith, waiting.closedWith]).toEqual(['the server was stopped', 'the server was stopped']);
    expect(shared.sessionCount).toBe(0);
  });
});
