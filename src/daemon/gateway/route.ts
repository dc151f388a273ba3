export type Endpoint = 'mcp' | 'sse' | 'messages';

export interface Route {
  server: string;
  endpoint: Endpoint;
  /** The raw query string without '?', '' when absent. */
  query: string;
}

const PATH = /^\/servers\/([^/]+)\/(mcp|sse|messages)$/;

/**
 * Server names as the rest of mcpctl defines them. Percent signs, slashes and leading
 * dots cannot match, so `..`, `%2e%2e` and `%2f` never reach a backend lookup.
 */
const SERVER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function parseRoute(url: string | undefined): Route | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const match = PATH.exec(path);
  if (match === null) return undefined;
  const [, server, endpoint] = match;
  if (server === undefined || !SERVER_NAME.test(server)) return undefined;
  return { server, endpoint: endpoint as Endpoint, query: q === -1 ? '' : url.slice(q + 1) };
}
