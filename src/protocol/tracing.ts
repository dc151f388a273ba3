import type { JsonRpcId, JsonRpcMessage, JsonRpcRequest, JsonRpcResponse } from './jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from './session.js';

/**
 * The seam between session traffic and a tracer (core/tracing). A traced backend turns each
 * client request into a span and hands the request on with the span's context in
 * `params._meta` (W3C Trace Context, unprefixed keys as SEP-414 and the MCP semantic
 * conventions say), so the upstream's own spans join the client's trace.
 */

/** W3C Trace Context as `params._meta` carries it. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

/** A request's span, open until its answer goes back to the client. */
export interface RequestSpan {
  /** What the request carries on to the upstream; undefined leaves its `_meta` as the client sent it. */
  readonly context: TraceContext | undefined;
  /** The answer that went back, or why none will (the session ended, the client cancelled). */
  end(outcome: JsonRpcResponse | string): void;
}

/** What a session knows of itself when a span starts or it ends. */
export interface TracedSession {
  readonly id: string;
  /** The MCP version its initialize answered; undefined before. */
  readonly protocolVersion: string | undefined;
}

export interface SessionTracer {
  request(request: JsonRpcRequest, parent: TraceContext | undefined, session: TracedSession): RequestSpan;
  /** The session ended after `seconds` (`mcp.server.session.duration`). */
  sessionEnded(seconds: number, session: TracedSession): void;
}

/** The trace context a message carries in `params._meta`, if any (its values must be strings). */
export function traceContextOf(message: { params?: Record<string, unknown> }): TraceContext | undefined {
  const meta = message.params?._meta;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const { traceparent, tracestate } = meta as Record<string, unknown>;
  if (typeof traceparent !== 'string') return undefined;
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}

/** `request` with `context` in its `_meta` in place of whatever trace context it had; the rest untouched. */
export function withTraceContext(request: JsonRpcRequest, context: TraceContext): JsonRpcRequest {
  const params = request.params ?? {};
  const meta = typeof params._meta === 'object' && params._meta !== null ? { ...params._meta } : {};
  delete (meta as Record<string, unknown>).tracestate;
  return { ...request, params: { ...params, _meta: { ...meta, ...context } } };
}

function isRequest(message: JsonRpcMessage): message is JsonRpcRequest {
  return 'method' in message && 'id' in message;
}

/** Wraps a backend so that its sessions' requests are traced by `tracer`; answers and other messages pass untouched. */
export function tracedBackend(backend: SessionBackend, tracer: SessionTracer): SessionBackend {
  return {
    open(sessionId: string, output: SessionOutput): BackendSession {
      const open = new Map<JsonRpcId, RequestSpan>();
      const started = performance.now();
      const state: { id: string; protocolVersion: string | undefined } = { id: sessionId, protocolVersion: undefined };
      let ended = false;
      const end = (why: string): void => {
        if (ended) return;
        ended = true;
        for (const span of open.values()) span.end(why);
        open.clear();
        tracer.sessionEnded((performance.now() - started) / 1000, state);
      };
      const tracedOutput: SessionOutput = {
        deliver(message, relatedRequestId) {
          if (open.size > 0 && !('method' in message) && message.id !== null) {
            const span = open.get(message.id);
            if (span !== undefined) {
              open.delete(message.id);
              if (state.protocolVersion === undefined && 'result' in message) {
                const version = message.result.protocolVersion;
                if (typeof version === 'string') state.protocolVersion = version;
              }
              span.end(message);
            }
          }
          output.deliver(message, relatedRequestId);
        },
        close(reason) {
          end(`the session ended: ${reason}`);
          output.close(reason);
        },
      };
      const session = backend.open(sessionId, tracedOutput);
      return {
        id: session.id,
        receive(message) {
          if (isRequest(message)) {
            const span = tracer.request(message, traceContextOf(message), state);
            open.get(message.id)?.end('the client reused its request id');
            open.set(message.id, span);
            if (span.context !== undefined) {
              session.receive(withTraceContext(message, span.context));
              return;
            }
          } else if ('method' in message && message.method === 'notifications/cancelled') {
            // A cancelled request gets no answer: its span ends here.
            const id = message.params?.requestId as JsonRpcId;
            const span = open.get(id);
            if (span !== undefined) {
              open.delete(id);
              span.end('cancelled');
            }
          }
          session.receive(message);
        },
        close() {
          end('the session was closed');
          session.close();
        },
      };
    },
  };
}
