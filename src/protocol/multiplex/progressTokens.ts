import type { JsonRpcNotification, JsonRpcRequest } from '../jsonrpc.js';

export type ProgressToken = string | number;

/**
 * Upstream progress tokens are this prefix + the upstream request id: unique while the
 * request lives, found with the same lookup as its response, and distinguishable from
 * tokens the server makes up itself (a server request's own `_meta.progressToken`).
 */
const TOKEN_PREFIX = 'mcpctl-progress-';

export function upstreamToken(upstreamId: number): string {
  return `${TOKEN_PREFIX}${upstreamId}`;
}

/** The upstream request id an upstream progress token stands for, if it is one of ours. */
export function requestIdOfToken(token: unknown): number | undefined {
  if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX)) return undefined;
  const id = Number(token.slice(TOKEN_PREFIX.length));
  return Number.isInteger(id) ? id : undefined;
}

/** The progress token a request carries in `params._meta`, if it asks for progress. */
export function progressTokenOf(params: Record<string, unknown> | undefined): ProgressToken | undefined {
  const meta = params?._meta;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const token = (meta as Record<string, unknown>).progressToken;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}

/**
 * The request as the upstream sees it: our unique id and, when it asks for progress,
 * our token. Copies only what changes; the client's message is left as it was.
 */
export function toUpstream(request: JsonRpcRequest, upstreamId: number, hasToken: boolean): JsonRpcRequest {
  const params = request.params;
  if (!hasToken || params === undefined) {
    return params === undefined
      ? { jsonrpc: '2.0', id: upstreamId, method: request.method }
      : { jsonrpc: '2.0', id: upstreamId, method: request.method, params };
  }
  const meta = params._meta as Record<string, unknown>;
  return {
    jsonrpc: '2.0',
    id: upstreamId,
    method: request.method,
    params: { ...params, _meta: { ...meta, progressToken: upstreamToken(upstreamId) } },
  };
}

/** An upstream progress notification rewritten back to the client's own token. */
export function toClientProgress(params: Record<string, unknown>, token: ProgressToken): JsonRpcNotification {
  return { jsonrpc: '2.0', method: 'notifications/progress', params: { ...params, progressToken: token } };
}
