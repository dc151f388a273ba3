import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { SharedUpstream } from '../../../../src/protocol/multiplex/sharedUpstream.js';
import { resultOf, TestClient, type Upstream, withSharedEverything } from './harness.js';

let upstream: Upstream;
let shared: SharedUpstream;

withSharedEverything((fixture) => {
  ({ upstream, shared } = fixture);
});

describe('a session initializing on a shared upstream', () => {
  it("answers from the upstream's own result, with the client's version when we speak it", async () => {
    const client = TestClient.open(shared, 'old');
    const sentBefore = upstream.sent.length;
    const result = resultOf(await client.initialize({}, '2025-03-26'));
    const upstreamResult = upstream.identity.result;
    expect(result.protocolVersion).toBe('2025-03-26');
    expect(result.serverInfo).toEqual(upstreamResult.serverInfo);
    expect(result.capabilities).toEqual(upstreamResult.capabilities);
    expect(result.instructions).toEqual(upstreamResult.instructions);
    expect(typeof result.instructions).toBe('string');
    // Answered locally; notifications/initialized is swallowed too.
    expect(upstream.sent.length).toBe(sentBefore);
    expect(shared.sessionStats().find((s) => s.id === 'old')).toMatchObject({
      protocolVersion: '2025-03-26',
      clientInfo: { name: 'test-client', version: '1.2.3' },
    });
    // The one-session lookup the daemon uses on every open and close says the same.
    expect(shared.sessionStatsOf('old')).toEqual(shared.sessionStats().find((s) => s.id === 'old'));
    expect(shared.sessionStatsOf('nobody')).toBeUndefined();
    client.endSession();
  });

  it('answers an unknown version with the latest', async () => {
    const client = TestClient.open(shared, 'bogus');
    expect(resultOf(await client.initialize({}, '1999-01-01')).protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    client.endSession();
  });

  it('serves a session the upstream’s tools, including those it shows only to capable clients', async () => {
    const client = TestClient.open(shared, 'tools');
    await client.initialize();
    const tools = resultOf(await client.request('tools/list')).tools as { name: string }[];
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['echo', 'trigger-sampling-request', 'get-roots-list']),
    );
    client.endSession();
  });

  it('refuses work before initialize, a second initialize and malformed messages', async () => {
    const client = TestClient.open(shared, 'strict');
    expect(resultOf(await client.request('ping', undefined, 'p'))).toEqual({});
    expect(await client.request('tools/list', undefined, 'early')).toMatchObject({
      id: 'early',
      error: { code: -32600, message: expect.stringContaining('not initialized') },
    });
    await client.initialize();
    expect(
      await client.request('initialize', { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {} }),
    ).toMatchObject({
      error: { code: -32600, message: expect.stringContaining('already initialized') },
    });
    client.send({ jsonrpc: '1.0', id: 9, method: 'tools/list' });
    client.send({ jsonrpc: '2.0', id: 10, method: 'tools/list', params: [1, 2] });
    const invalid = client.deliveries.slice(-2);
    expect(invalid.map((d) => d.message)).toEqual([
      expect.objectContaining({ id: 9, error: expect.objectContaining({ code: -32600 }) }),
      expect.objectContaining({ id: 10, error: expect.objectContaining({ code: -32600 }) }),
    ]);
    expect(invalid.map((d) => d.related)).toEqual([9, 10]);
    client.endSession();
  });

  it('refuses to open a session id twice', () => {
    const client = TestClient.open(shared, 'twice');
    expect(() => shared.open('twice', client)).toThrow(/already open/);
    client.endSession();
  });
});
