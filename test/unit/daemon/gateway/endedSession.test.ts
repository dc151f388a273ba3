import { describe, expect, it } from 'vitest';
import { SESSION_KILLED, SESSION_NOT_FOUND } from '../../../../src/protocol/sessionEnd.js';
import { rawRequest, rawSession, rpc, sessionPostHeaders, startTestHarness } from './helpers/harness.js';

function ping(port: number, sessionId: string) {
  return rawRequest(port, { headers: sessionPostHeaders(sessionId), body: rpc(1, 'ping') });
}

describe('gateway: why a session id is unknown', () => {
  it("answers 404 -32001 with data.reason 'killed' when the history says so, and without data otherwise", async () => {
    const asked: string[] = [];
    const h = await startTestHarness({
      endedSession: async (id) => {
        asked.push(id);
        return id === 'killed-before' ? { reason: SESSION_KILLED } : undefined;
      },
    });
    const killed = await ping(h.gateway.port, 'killed-before');
    expect(killed.status).toBe(404);
    expect(killed.json().error).toMatchObject({ code: SESSION_NOT_FOUND, data: { reason: 'killed' } });
    const other = await ping(h.gateway.port, 'never-existed');
    expect(other.status).toBe(404);
    expect(other.json().error).toEqual({ code: SESSION_NOT_FOUND, message: expect.any(String) });
    // A live session never costs a lookup.
    const live = await rawSession(h.gateway.port);
    expect((await ping(h.gateway.port, live)).status).toBe(200);
    expect(asked).toEqual(['killed-before', 'never-existed']);
  });

  it('answers a plain 404 when the lookup fails (the store is closing)', async () => {
    const h = await startTestHarness({ endedSession: () => Promise.reject(new Error('store closed')) });
    const res = await ping(h.gateway.port, 'whatever');
    expect(res.status).toBe(404);
    expect(res.json().error?.code).toBe(SESSION_NOT_FOUND);
  });
});
