export type Endpoint = 'mcp' | 'sse' | 'messages';

export interface Route {
  /**
   * What serves the request: a server's name, or `profiles/NAME` for a profile's aggregated
   * endpoint (a slash no server name can hold, so the two never meet in one lookup).
   */
  server: string;
  endpoint: Endpoint;
  /** The raw query string without '?', '' when absent. */
  query: string;
}

/** Prometheus text of the daemon's metrics, on the same listener as the MCP endpoints. */
export const METRICS_PATH = '/metrics';

const PATH = /^\/(servers|profiles)\/([^/]+)\/(mcp|sse|messages)$/;
const PROFILE_TARGET = 'profiles/';

/**
 * Server and profile names as the rest of mcpctl defines them. Percent signs, slashes and
 * leading dots cannot match, so `..`, `%2e%2e` and `%2f` never reach a backend lookup.
 */
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function parseRoute(url: string | undefined): Route | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const match = PATH.exec(path);
  if (match === null) return undefined;
  const [, scope, name, endpoint] = match;
  if (name === undefined || !NAME.test(name)) return undefined;
  return {
    server: scope === 'profiles' ? `${PROFILE_TARGET}${name}` : name,
    endpoint: endpoint as Endpoint,
    query: q === -1 ? '' : url.slice(q + 1),
  };
}

/** The profile a route target names, or undefined for a server. */
export function profileOfTarget(target: string): string | undefined {
  return target.startsWith(PROFILE_TARGET) ? target.slice(PROFILE_TARGET.length) : undefined;
}

/** The URL path a target's endpoints live under: `/servers/NAME` or `/profiles/NAME`. */
export function targetPath(target: string): string {
  return profileOfTarget(target) === undefined ? `/servers/${target}` : `/${target}`;
}

/** How messages name a target to people: "server x" or "profile y". */
export function describeTarget(target: string): string {
  const profile = profileOfTarget(target);
  return profile === undefined ? `server ${target}` : `profile ${profile}`;
}
