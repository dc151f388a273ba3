/**
 * DNS-rebinding defence: a browser page on evil.example that re-resolves its name to
 * 127.0.0.1 still sends `Host: evil.example` and `Origin: http://evil.example`, so both
 * are checked on every route before anything else runs.
 */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i;

/** The Host header values a listener accepts; build it with allowedHosts(). */
export interface AllowedHosts {
  /** Exact values, lower case (`127.0.0.1:7711`, `mcp.example.com:8443`). */
  readonly exact: ReadonlySet<string>;
  /** Names accepted on any port: bare `gateway.allowedHosts` entries. */
  readonly anyPort: ReadonlySet<string>;
}

export interface ExtraHostNames {
  /** Names that reach this listener directly, on its own port (the remote listener's publicNames). */
  own?: readonly string[];
  /**
   * `gateway.allowedHosts`: `host` or `host:port` as a load balancer in front forwards them. The
   * balancer's port is not ours to know, so a bare name counts on any port: a rebinding page
   * would need a name whose DNS the attacker controls, and the owner named this one.
   */
  forwarded?: readonly string[];
  /** The scheme's port, which clients leave out of Host: 80 for http (the default), 443 for https. */
  defaultPort?: number;
}

/** The Host header values (lower case) that name the bound address, and the configured names. */
export function allowedHosts(boundHost: string, port: number, extra: ExtraHostNames = {}): AllowedHosts {
  const defaultPort = extra.defaultPort ?? 80;
  const bound = boundHost.includes(':') ? `[${boundHost.toLowerCase()}]` : boundHost.toLowerCase();
  const names = new Set([...LOOPBACK_NAMES, bound, ...(extra.own ?? [])]);
  const exact = new Set<string>();
  const anyPort = new Set<string>();
  for (const name of names) {
    exact.add(`${name}:${port}`);
    // Clients omit the default port from Host, so the bare name is right only on that port.
    if (port === defaultPort) exact.add(name);
  }
  for (const entry of extra.forwarded ?? []) {
    const { name, port: entryPort } = splitHost(entry.toLowerCase());
    if (entryPort === undefined) anyPort.add(name);
    else {
      exact.add(`${name}:${entryPort}`);
      if (entryPort === 80 || entryPort === 443) exact.add(name);
    }
  }
  return { exact, anyPort };
}

export function isAllowedHost(host: string | undefined, allowed: AllowedHosts): boolean {
  if (host === undefined) return false;
  const lower = host.toLowerCase();
  return allowed.exact.has(lower) || allowed.anyPort.has(splitHost(lower).name);
}

/**
 * Loopback origins, and http(s) origins naming an allowed host (a page served through the
 * balancer). `Origin: null` (sandboxed frames, file: pages) is refused like any foreign origin.
 */
export function isAllowedOrigin(origin: string, allowed?: AllowedHosts): boolean {
  if (LOOPBACK_ORIGIN.test(origin)) return true;
  if (allowed === undefined) return false;
  const host = originHost(origin, ['http:', 'https:']);
  return host !== undefined && isAllowedHost(host, allowed);
}

/** `name:port` of an origin with one of those schemes (the scheme's port when it names none). */
export function originHost(origin: string, schemes: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return undefined;
  }
  if (!schemes.includes(parsed.protocol)) return undefined;
  return parsed.port === '' ? `${parsed.hostname}:${parsed.protocol === 'https:' ? 443 : 80}` : parsed.host;
}

/** `name[:port]`, the name keeping an IPv6 literal's brackets. */
function splitHost(host: string): { name: string; port?: number } {
  const match = /^(\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec(host);
  return match === null ? { name: host } : { name: match[1] ?? '', port: Number(match[2]) };
}
