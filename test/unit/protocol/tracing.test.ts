import { describe, expect, it } from 'vitest';
import type { JsonRpcMessage, JsonRpcRequest, JsonRpcResponse } from '../../../src/protocol/jsonrpc.js';
import type { SessionBackend, SessionOutput } from '../../../src/protocol/session.js';
import { type SessionTracer, type TraceContext, tracedBackend } from '../../../src/protocol/tracing.js';

/** A backend that keeps what reached it and answers only when told to. */
function upstream() {
  const received: JsonRpcMessage[] = [];
  let output: SessionOutput | undefined;
  const backend: SessionBackend = {
    open(id, out) {
      output = out;
      return { id, receive: (message) => received.push(message), close() {} };
    },
  };
  return {
    backend,
    received,
    answer: (message: JsonRpcResponse) => output?.deliver(message, message.id ?? undefined),
    end: (reason: string) => output?.close(reason),
  };
}

/** A tracer that records each span's start, parent and end, and hands out a fixed context per request. */
function recordingTracer() {
  const spans: Array<{ method: string; parent: TraceContext | undefined; ended?: JsonRpcResponse | string }> = [];
  const sessions: number[] = [];
  const tracer: SessionTracer = {
    request(request: JsonRpcRequest, parent) {
      const span: (typeof spans)[number] = { method: request.method, parent };
      spans.push(span);
      return {
        context: { traceparent: `00-${'a'.repeat(32)}-${String(spans.length).padStart(16, '0')}-01` },
        end: (outcome) => {
          span.ended = outcome;
        },
      };
    },
    sessionEnded: (seconds) => sessions.push(seconds),
  };
  return { tracer, spans, sessions };
}

const CALLER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('tracedBackend', () => {
  it("replaces the request's trace context in _meta with the span's and keeps the rest of _meta", () => {
    const up = upstream();
    const { tracer, spans } = recordingTracer();
    const delivered: JsonRpcMessage[] = [];
    const session = tracedBackend(up.backend, tracer).open('s1', {
      deliver: (message) => delivered.push(message),
      close() {},
    });
    session.receive({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', _meta: { traceparent: CALLER, tracestate: 'x=1', progressToken: 7 } },
    });
    expect(spans[0]?.parent).toEqual({ traceparent: CALLER, tracestate: 'x=1' });
    expect(up.received[0]).toEqual({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', _meta: { progressToken: 7, traceparent: `00-${'a'.repeat(32)}-0000000000000001-01` } },
    });
    // The answer ends the span and reaches the client untouched.
    const answer: JsonRpcResponse = { jsonrpc: '2.0', id: 1, result: { content: [] } };
    up.answer(answer);
    expect(spans[0]?.ended).toEqual(answer);
    expect(delivered).toEqual([answer]);
  });

  it('ends the span of a cancelled request, and every open one when the session ends, recording its duration once', () => {
    const up = upstream();
    const { tracer, spans, sessions } = recordingTracer();
    const session = tracedBackend(up.backend, tracer).open('s1', { deliver() {}, close() {} });
    session.receive({ jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'slow' } });
    session.receive({ jsonrpc: '2.0', id: 'b', method: 'tools/list' });
    session.receive({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'a' } });
    expect(spans[0]?.ended).toBe('cancelled');
    expect(spans[0]?.parent).toBeUndefined();
    expect(spans[1]?.ended).toBeUndefined();
    up.end('upstream gone');
    session.close();
    expect(spans[1]?.ended).toBe('the session ended: upstream gone');
    expect(sessions).toHaveLength(1);
  });
});
