import { describe, expect, it } from 'vitest';
import { awaitedBackend } from '../../../../src/core/sessions/awaitedBackend.js';
import type { JsonRpcMessage } from '../../../../src/protocol/jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../../../../src/protocol/session.js';

function deferred() {
  let resolve: (backend: SessionBackend) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<SessionBackend>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function recordingBackend() {
  const opened: string[] = [];
  const received: JsonRpcMessage[] = [];
  let closed = 0;
  const backend: SessionBackend = {
    open(id: string): BackendSession {
      opened.push(id);
      return { id, receive: (message) => received.push(message), close: () => void closed++ };
    },
  };
  return { backend, opened, received, closed: () => closed };
}

function output() {
  const delivered: JsonRpcMessage[] = [];
  const out: SessionOutput = { deliver: (message) => delivered.push(message), close: () => {} };
  return { out, delivered };
}

const request = (id: number): JsonRpcMessage => ({ jsonrpc: '2.0', id, method: 'tools/list' });
const note: JsonRpcMessage = { jsonrpc: '2.0', method: 'notifications/initialized' };
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('awaitedBackend', () => {
  it('holds messages until the backend is ready, then replays them in order and forwards the rest', async () => {
    const ready = deferred();
    const live = recordingBackend();
    const session = awaitedBackend(ready.promise).open('s1', output().out);
    session.receive(request(1));
    session.receive(note);
    expect(live.opened).toEqual([]);
    ready.resolve(live.backend);
    await flush();
    session.receive(request(2));
    expect(live.opened).toEqual(['s1']);
    expect(live.received).toEqual([request(1), note, request(2)]);
    session.close();
    expect(live.closed()).toBe(1);
  });

  it('answers held and later requests with the failure, and drops notifications', async () => {
    const ready = deferred();
    const { out, delivered } = output();
    const session = awaitedBackend(ready.promise).open('s1', out);
    session.receive(request(1));
    session.receive(note);
    ready.reject(new Error("server 'x' stopped before it was running: exit 1"));
    await flush();
    session.receive(request(2));
    expect(delivered).toEqual(
      [1, 2].map((id) => ({
        jsonrpc: '2.0',
        id,
        error: { code: expect.any(Number), message: "server 'x' stopped before it was running: exit 1" },
      })),
    );
  });

  it('never opens a session on the backend for a client that left while waiting', async () => {
    const ready = deferred();
    const live = recordingBackend();
    const session = awaitedBackend(ready.promise).open('s1', output().out);
    session.receive(request(1));
    session.close();
    ready.resolve(live.backend);
    await flush();
    expect(live.opened).toEqual([]);
  });
});
