import type { IncomingMessage } from 'node:http';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import type { Framed } from './framing.js';
import { headerOf } from './replies.js';

/** A W3C traceparent: version, trace id, parent id, flags (https://www.w3.org/TR/trace-context/). */
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The MCP conventions carry trace context per message in `params._meta`; a client that only sets
 * the HTTP `traceparent` header (an instrumented HTTP stack) gives it to every request of that
 * POST which has none of its own, before the session's tracer reads it.
 */
export function adoptTraceHeader(req: IncomingMessage, framed: Framed & { ok: true }): void {
  const traceparent = headerOf(req.headers.traceparent)?.trim().toLowerCase();
  if (traceparent === undefined || !TRACEPARENT.test(traceparent)) return;
  const tracestate = headerOf(req.headers.tracestate);
  const context = tracestate === undefined ? { traceparent } : { traceparent, tracestate };
  for (const message of framed.batch ? framed.messages : [framed.message]) adopt(message, context);
}

function adopt(message: JsonRpcMessage, context: { traceparent: string; tracestate?: string }): void {
  if (!('method' in message) || !('id' in message)) return;
  const params = message.params ?? {};
  const meta = params._meta;
  if (typeof meta === 'object' && meta !== null && 'traceparent' in meta) return;
  message.params = { ...params, _meta: { ...(typeof meta === 'object' && meta !== null ? meta : {}), ...context } };
}
