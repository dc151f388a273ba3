import { McpctlError } from '../../shared/errors.js';

/** Where a PostgreSQL store is, as said to a user: never with its password. */
export interface PostgresLocation {
  /** `host:port/db` (the host may be a socket folder). */
  target: string;
  /** The password the URL carries, to scrub it from any text that could echo it; '' when none. */
  password: string;
}

const SCHEMES = new Set(['postgres:', 'postgresql:']);

/**
 * Reads a `postgres://user:password@host:port/db?...` URL (libpq's form; `?host=/folder` names a
 * socket folder). Throws CONFIG_INVALID, without the URL itself (it may hold a password), when
 * it does not parse.
 */
export function postgresLocation(url: string): PostgresLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl('it does not parse as a URL');
  }
  if (!SCHEMES.has(parsed.protocol)) throw invalidUrl(`the scheme is '${parsed.protocol.slice(0, -1)}'`);
  const host = parsed.searchParams.get('host') || decodeURIComponent(parsed.hostname) || 'localhost';
  const port = parsed.searchParams.get('port') || parsed.port || '5432';
  const user = decodeURIComponent(parsed.username);
  const db = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user || 'postgres';
  return { target: `${host}:${port}/${db}`, password: decodeURIComponent(parsed.password) };
}

function invalidUrl(reason: string): McpctlError {
  return new McpctlError('CONFIG_INVALID', `store.url is not a PostgreSQL URL: ${reason}`, {
    hint: 'write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE (store.url or MCPCTL_STORE_URL)',
  });
}

/** `text` with every occurrence of the password (raw or URL-encoded) replaced by `***`. */
export function withoutPassword(text: string, password: string): string {
  if (password === '') return text;
  return text.split(password).join('***').split(encodeURIComponent(password)).join('***');
}
