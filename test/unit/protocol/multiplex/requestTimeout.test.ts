import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotification } from '../../../../src/protocol/jsonrpc.js';
import { SharedUpstream } from '../../../../src/protocol/multiplex/sharedUpstream.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { startUpstream, TestClient, textOf, type Upstream } from './harness.js';

const SLOW = fileURLToPath(new URL('../../../fixtures/servers/slowAnswers.mjs', import.meta.url));

let upstream: Upstream;
let shared: SharedUpstream;

beforeAll(async () => {
  upstream = await startUpstream(SLOW, [], false);
  shared = new SharedUpstream({
    identity: upstream.identity,
    send: (m) => upstream.send(m),
    logger: silentLogger,
    name: 'slow',
    requestTimeoutMs: 150,
    requestTimeoutMaxMs: 450,
  });
  upstream.attach(shared);
});

afterAll(async () => {
  await upstream?.stop();
});

function errorOf(response: Awaited<ReturnType<TestClient['request']>>): { code: number; message: string } {
  if (!('error' in response)) throw new Error(`expected an error, got ${JSON.stringify(response)}`);
  return response.error;
}

describe('request deadlines on a shared upstream', () => {
  it('F3: fails an unanswered request with -32001 naming the server and timeout, cancels it upstream, and forgets it', async () => {
    const client = TestClient.open(shared, 'hung');
    await client.initialize();
    const error = errorOf(await client.request('tools/call', { name: 'hang', arguments: {} }));
    expect(error.code).toBe(-32001);
    expect(error.message).toBe(
      "server 'slow' did not answer tools/call within 150ms (its --request-timeout); the request was cancelled",
    );
    const forwarded = upstream.sent.find((m) => 'method' in m && m.method === 'tools/call' && 'id' in m);
    const cancel = upstream.sent.filter(isNotification).find((m) => m.method === 'notifications/cancelled');
    expect(cancel?.params?.requestId).toBe(forwarded && 'id' in forwarded ? forwarded.id : 'none');
    expect(cancel?.params?.reason).toMatch(/no answer in time/);
    expect(shared.sessionStats().find((s) => s.id === 'hung')?.inFlight).toBe(0);
    client.endSession();
  });

  it('progress extends the deadline, but not past the maximum', async () => {
    const client = TestClient.open(shared, 'progress');
    await client.initialize();
    const ok = await client.request('tools/call', {
      name: 'progress',
      arguments: { ms: 400 },
      _meta: { progressToken: 'p' },
    });
    expect(textOf(ok)).toBe('done');
    const tooLong = await client.request('tools/call', {
      name: 'progress',
      arguments: { ms: 2000 },
      _meta: { progressToken: 'q' },
    });
    expect(errorOf(tooLong).message).toMatch(
      /^server 'slow' did not finish tools\/call within 450ms, the most that progress notifications extend its request timeout of 150ms/,
    );
    client.endSession();
  });
});
