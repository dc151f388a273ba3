import { describe, expect, it } from 'vitest';
import type { SharedUpstream } from '../../../../src/protocol/multiplex/sharedUpstream.js';
import { type Delivery, resultOf, TestClient, textOf, type Upstream, withSharedEverything } from './harness.js';

let upstream: Upstream;
let shared: SharedUpstream;

withSharedEverything((fixture) => {
  ({ upstream, shared } = fixture);
});

const SAMPLED = { role: 'assistant', content: { type: 'text', text: 'sampled by A' }, model: 'test-model' };

describe('server-to-client requests on a shared upstream', () => {
  it('routes sampling to the session whose call caused it and maps its answer back', async () => {
    const capable = TestClient.open(shared, 'sampler');
    const bystander = TestClient.open(shared, 'bystander');
    await capable.initialize({ sampling: {} });
    await bystander.initialize({ sampling: {} });
    capable.onServerRequest = () => SAMPLED;
    bystander.onServerRequest = () => ({ ...SAMPLED, content: { type: 'text', text: 'wrong session' } });

    const response = await capable.request(
      'tools/call',
      { name: 'trigger-sampling-request', arguments: { prompt: 'hello', maxTokens: 5 } },
      42,
    );
    expect(textOf(response)).toContain('sampled by A');
    const [sampling] = capable.deliveries.filter((d) => 'method' in d.message && 'id' in d.message);
    expect(sampling?.message).toMatchObject({ method: 'sampling/createMessage', params: { maxTokens: 5 } });
    // It travels with the call that caused it (on that POST's stream).
    expect(sampling?.related).toBe(42);
    expect(bystander.serverRequests()).toEqual([]);
    capable.endSession();
    bystander.endSession();
  });

  it('refuses sampling upstream for a session whose client lacks the capability', async () => {
    const plain = TestClient.open(shared, 'plain');
    await plain.initialize({});
    const response = await plain.request('tools/call', {
      name: 'trigger-sampling-request',
      arguments: { prompt: 'hello' },
    });
    expect(resultOf(response).isError).toBe(true);
    expect(textOf(response)).toMatch(/session plain did not declare the sampling capability/);
    expect(plain.serverRequests()).toEqual([]);
    const refusal = upstream.sent.findLast((m) => 'error' in m);
    expect(refusal).toMatchObject({ error: { code: -32601 } });
    plain.endSession();
  });

  it('gives two sessions distinct ids for their server requests and keeps their answers apart', async () => {
    const a = TestClient.open(shared, 'pair-a');
    const b = TestClient.open(shared, 'pair-b');
    await a.initialize({ sampling: {} });
    await b.initialize({ sampling: {} });
    // Answer later, by hand, each with an id the other session is also waiting on.
    const isServerRequest = (d: Delivery) => 'method' in d.message && 'id' in d.message;
    const callA = a.request('tools/call', { name: 'trigger-sampling-request', arguments: { prompt: 'a' } });
    const forA = await a.waitFor(isServerRequest, 'a sampling request for a');
    const callB = b.request('tools/call', { name: 'trigger-sampling-request', arguments: { prompt: 'b' } });
    const forB = await b.waitFor(isServerRequest, 'a sampling request for b');
    const idA = (forA.message as { id: number }).id;
    const idB = (forB.message as { id: number }).id;
    expect(idA).not.toBe(idB);
    // B answering A's id is not taken as A's answer.
    b.send({ jsonrpc: '2.0', id: idA, result: { ...SAMPLED, content: { type: 'text', text: 'forged' } } });
    b.send({ jsonrpc: '2.0', id: idB, result: { ...SAMPLED, content: { type: 'text', text: 'from B' } } });
    a.send({ jsonrpc: '2.0', id: idA, result: { ...SAMPLED, content: { type: 'text', text: 'from A' } } });
    expect(textOf(await callA)).toContain('from A');
    expect(textOf(await callB)).toContain('from B');
    a.endSession();
    b.endSession();
  });
});
