import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type TraceContext, traceContextOf } from './tracing.js';

/**
 * For http upstreams under tracing: a POSTed request whose `params._meta` carries trace context
 * also carries it as the W3C `traceparent`/`tracestate` headers, for servers whose HTTP stack is
 * instrumented but whose MCP layer is not. Bodies without the word skip the parse.
 */
export function traceHeaderFetch(fetch: FetchLike): FetchLike {
  return (url, init) => {
    const body = init?.body;
    if (typeof body !== 'string' || !body.includes('"traceparent"')) return fetch(url, init);
    let context: TraceContext | undefined;
    try {
      const message: unknown = JSON.parse(body);
      if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
        context = traceContextOf(message as { params?: Record<string, unknown> });
      }
    } catch {
      context = undefined;
    }
    if (context === undefined) return fetch(url, init);
    const headers = new Headers(init?.headers);
    headers.set('traceparent', context.traceparent);
    if (context.tracestate !== undefined) headers.set('tracestate', context.tracestate);
    return fetch(url, { ...init, headers });
  };
}
