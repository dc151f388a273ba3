import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedUpstream } from '../../../../src/protocol/multiplex/sharedUpstream.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { LIST_CHANGED_FIXTURE, resultOf, startUpstream, TestClient, textOf, type Upstream } from './harness.js';

let upstream: Upstream;
let shared: SharedUpstream;

beforeAll(async () => {
  upstream = await startUpstream(LIST_CHANGED_FIXTURE, [], false);
  shared = new SharedUpstream({ identity: upstream.identity, send: (m) => upstream.send(m), logger: silentLogger });
  upstream.attach(shared);
});

afterAll(async () => {
  await upstream?.stop();
});

describe('list_changed on a shared upstream', () => {
  it('reaches every session, as an unsolicited message', async () => {
    const clients = ['lc-a', 'lc-b', 'lc-c'].map((id) => TestClient.open(shared, id));
    await Promise.all(clients.map((client) => client.initialize()));
    const [caller, other] = clients as [TestClient, TestClient, TestClient];
    // The fixture announces the change before it answers the call.
    expect(textOf(await caller.request('tools/call', { name: 'add-tool', arguments: {} }))).toBe('added extra-1');
    for (const client of clients) {
      expect(client.notifications('notifications/tools/list_changed')).toEqual([
        { message: { jsonrpc: '2.0', method: 'notifications/tools/list_changed' }, related: undefined },
      ]);
    }
    const tools = resultOf(await other.request('tools/list')).tools as { name: string }[];
    expect(tools.map((t) => t.name)).toContain('extra-1');
    for (const client of clients) client.endSession();
  });
});
