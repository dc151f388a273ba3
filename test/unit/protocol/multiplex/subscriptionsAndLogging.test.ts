import { describe, expect, it } from 'vitest';
import type { JsonRpcMessage, JsonRpcNotification } from '../../../../src/protocol/jsonrpc.js';
import type { SharedUpstream } from '../../../../src/protocol/multiplex/sharedUpstream.js';
import { isNotificationOf, resultOf, TestClient, type Upstream, withSharedEverything } from './harness.js';

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

/** Messages of `method` sent upstream, with their params. */
function sentOf(method: string): Record<string, unknown>[] {
  return upstream.sent
    .filter((m): m is JsonRpcMessage & { method: string } => 'method' in m && m.method === method)
    .map((m) => (m as JsonRpcNotification).params ?? {});
}

const U1 = 'demo://resource/dynamic/text/1';
const U2 = 'demo://resource/dynamic/text/2';

function updatedUris(client: TestClient): unknown[] {
  return client
    .notifications('notifications/resources/updated')
    .map((d) => (d.message as JsonRpcNotification).params?.uri);
}

describe('resource subscriptions on a shared upstream', () => {
  it('subscribes upstream once per uri, routes updates to subscribers, unsubscribes with the last', async () => {
    const [a, b, c] = await Promise.all(['sub-a', 'sub-b', 'sub-c'].map(openInitialized));
    if (a === undefined || b === undefined || c === undefined) throw new Error('no sessions');
    resultOf(await a.request('resources/subscribe', { uri: U1 }));
    resultOf(await b.request('resources/subscribe', { uri: U1 }));
    resultOf(await a.request('resources/subscribe', { uri: U1 }));
    resultOf(await c.request('resources/subscribe', { uri: U2 }));
    expect(sentOf('resources/subscribe')).toEqual([{ uri: U1 }, { uri: U2 }]);

    // server-everything sends an update for every subscribed uri at once when toggled on.
    await a.request('tools/call', { name: 'toggle-subscriber-updates', arguments: {} });
    const byUri = (uri: string) => (d: { message: JsonRpcMessage }) =>
      isNotificationOf(d.message, 'notifications/resources/updated') && d.message.params?.uri === uri;
    await Promise.all([a.waitFor(byUri(U1), 'U1 update for a'), b.waitFor(byUri(U1), 'U1 update for b')]);
    await c.waitFor(byUri(U2), 'U2 update for c'); // sent after U1's, so every U1 update is in by now
    await a.request('tools/call', { name: 'toggle-subscriber-updates', arguments: {} });
    expect(updatedUris(a).every((uri) => uri === U1)).toBe(true);
    expect(updatedUris(b).every((uri) => uri === U1)).toBe(true);
    expect(updatedUris(c).every((uri) => uri === U2)).toBe(true);

    resultOf(await a.request('resources/unsubscribe', { uri: U1 }));
    expect(sentOf('resources/unsubscribe')).toEqual([]);
    resultOf(await b.request('resources/unsubscribe', { uri: U1 }));
    expect(sentOf('resources/unsubscribe')).toEqual([{ uri: U1 }]);
    // A closing session gives its subscriptions back.
    c.endSession();
    expect(sentOf('resources/unsubscribe')).toEqual([{ uri: U1 }, { uri: U2 }]);
    expect(shared.sessionStats().find((s) => s.id === 'sub-a')?.subscriptions).toBe(0);
    a.endSession();
    b.endSession();
  });
});

describe('logging levels on a shared upstream', () => {
  it('keeps a level per session and runs the upstream at the most verbose one', async () => {
    const quiet = await openInitialized('log-quiet');
    const chatty = await openInitialized('log-chatty');
    expect(sentOf('logging/setLevel')).toEqual([]); // nobody asked: the server's default serves all

    expect(resultOf(await quiet.request('logging/setLevel', { level: 'error' }))).toEqual({});
    // chatty never set a level, so it still wants everything: the upstream goes to debug, not error.
    expect(sentOf('logging/setLevel')).toEqual([{ level: 'debug' }]);

    // server-everything logs at info before it answers a subscribe.
    const subscribe = await chatty.request('resources/subscribe', { uri: 'demo://log-test' }, 'sub');
    resultOf(subscribe);
    // (Filtered by text: the previous test's unsubscribes may still be logging.)
    const logs = chatty
      .notifications('notifications/message')
      .filter((d) => String((d.message as JsonRpcNotification).params?.data).includes('demo://log-test'));
    expect(logs.map((d) => (d.message as JsonRpcNotification).params?.level)).toEqual(['info']);
    // The only request in flight was chatty's subscribe: the log travels with it.
    expect(logs[0]?.related).toBe('sub');
    expect(quiet.notifications('notifications/message')).toEqual([]);

    resultOf(await chatty.request('logging/setLevel', { level: 'warning' }));
    expect(sentOf('logging/setLevel').at(-1)).toEqual({ level: 'warning' });
    quiet.endSession();
    expect(sentOf('logging/setLevel').at(-1)).toEqual({ level: 'warning' });
    expect(shared.sessionStats().find((s) => s.id === 'log-chatty')?.logLevel).toBe('warning');

    const bad = await chatty.request('logging/setLevel', { level: 'loud' });
    expect(bad).toMatchObject({ error: { code: -32602 } });
    chatty.endSession();
  });
});
