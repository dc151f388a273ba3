/**
 * DNS-rebinding defence: a browser page on evil.example that re-resolves its name to
 * 127.0.0.1 still sends `Host: evil.example` and `Origin: http://evil.example`, so both
 * are checked on every route before anything else runs.
 */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i;

/** The Host header values (lower case) that name the bound address. */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const bound = boundHost.includes(':') ? `[${boundHost.toLowerCase()}]` : boundHost.toLowerCase();
  const names = new Set([...LOOPBACK_NAMES, bound]);
  const hosts = new Set<string>();
  for (const name of names) {
    hosts.add(`${name}:${port}`);
    // Clients omit the default port from Host, so the bare name is right only on port 80.
    if (port === 80) hosts.add(name);
  }
  return hosts;
}

export function isAllowedHost(host: string | undefined, allowed: Set<string>): boolean {
  if (host === undefined) return false;
  return allowed.has(host) || allowed.has(host.toLowerCase());
}

/** `Origin: null` (sandboxed frames, file: pages) is refused like any foreign origin. */
export function isAllowedOrigin(origin: string): boolean {
  return LOOPBACK_ORIGIN.test(origin);
}
