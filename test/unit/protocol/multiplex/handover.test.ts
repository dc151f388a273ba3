import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonRpcMessage } from '../../../../src/protocol/jsonrpc.js';
import { SharedUpstream } from '../../../../src/protocol/multiplex/sharedUpstream.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { resultOf, startUpstream, TestClient, textOf, type Upstream } from './harness.js';

const SLOW_CALL = fileURLToPath(new URL('../../../fixtures/servers/slowCall.mjs', import.meta.url));
const started: Upstream[] = [];

afterAll(async () => {
  await Promise.all(started.map((upstream) => upstream.stop()));
});

async function start(): Promise<Upstream> {
  const upstream = await startUpstream(SLOW_CALL, [], false);
  started.push(upstream);
  return upstream;
}

const calls = (upstream: Upstream) =>
  upstream.sent.filter((m): m is JsonRpcMessage & { method: string } => 'method' in m && m.method === 'tools/call');

describe('a shared upstream handed over to a new process (a rollover)', () => {
  it('sends new requests to the new process and lets the old one answer what it had, without a failed call', async () => {
    const first = await start();
    const shared = new SharedUpstream({ identity: first.identity, send: (m) => first.send(m), logger: silentLogger });
    first.attach(shared);
    const client = TestClient.open(shared, 'one');
    await client.initialize();
    const inFlight = client.request('tools/call', { name: 'slow', arguments: { ms: 400 } });
    // Sent raw: a cancelled request gets no answer, so nothing waits for one.
    client.send({
      jsonrpc: '2.0',
      id: 'cancel-me',
      method: 'tools/call',
      params: { name: 'slow', arguments: { ms: 5000 } },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const second = await start();
    second.attach(shared);
    const handover = shared.upstreamHandover(second.identity, (m) => second.send(m));
    first.attach({ handleUpstream: (m) => handover.receive(m) });
    let drained = false;
    void handover.drained.then(() => {
      drained = true;
    });

    expect(textOf(await client.request('tools/call', { name: 'echo', arguments: { message: 'new' } }))).toBe('new');
    expect(calls(second)).toHaveLength(1);
    // A cancellation of a request the old process holds goes to the old process.
    client.notify('notifications/cancelled', { requestId: 'cancel-me', reason: 'changed my mind' });
    expect(first.sent.filter((m) => 'method' in m && m.method === 'notifications/cancelled')).toHaveLength(1);
    expect(second.sent.filter((m) => 'method' in m && m.method === 'notifications/cancelled')).toHaveLength(0);

    expect(textOf(await inFlight)).toBe('slept 400 ms');
    await handover.drained;
    expect(drained).toBe(true);
    expect(calls(first)).toHaveLength(2);
    // The old process's late chatter (a list change) does not reach the sessions.
    handover.receive({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    expect(client.notifications('notifications/tools/list_changed')).toHaveLength(0);
  });

  it('fails what the old process still owes when it is abandoned, and only that', async () => {
    const first = await start();
    const shared = new SharedUpstream({ identity: first.identity, send: (m) => first.send(m), logger: silentLogger });
    first.attach(shared);
    const client = TestClient.open(shared, 'one');
    await client.initialize();
    const stuck = client.request('tools/call', { name: 'slow', arguments: { ms: 10_000 } });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const second = await start();
    second.attach(shared);
    const handover = shared.upstreamHandover(second.identity, (m) => second.send(m));
    first.attach({ handleUpstream: (m) => handover.receive(m) });
    const fresh = client.request('tools/call', { name: 'slow', arguments: { ms: 300 } });
    handover.abandon('stopped');
    await handover.drained;

    expect(await stuck).toMatchObject({
      error: {
        code: -32000,
        message: expect.stringContaining('was replaced and its old process ended (stopped) before answering'),
      },
    });
    expect(textOf(await fresh)).toBe('slept 300 ms');
    resultOf(await client.request('ping'));
  });

  it('drains at once when nothing was in flight', async () => {
    const first = await start();
    const shared = new SharedUpstream({ identity: first.identity, send: (m) => first.send(m), logger: silentLogger });
    first.attach(shared);
    const client = TestClient.open(shared, 'one');
    await client.initialize();
    const second = await start();
    second.attach(shared);
    await shared.upstreamHandover(second.identity, (m) => second.send(m)).drained;
    expect(textOf(await client.request('tools/call', { name: 'echo', arguments: { message: 'x' } }))).toBe('x');
    expect(calls(first)).toHaveLength(0);
  });
});
