import type { LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { addressKind, privateAddressRefused, type Resolve } from './addressPolicy.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for sockets that resolves the name, refuses it when any address is private, and
 * hands the socket only the addresses it checked: the check and the connect see the same
 * answer, so a DNS server that answers "public" to a first query and "10.0.0.1" to the next
 * (DNS rebinding) gets nowhere.
 */
export function guardedLookup(url: string, resolve: Resolve): LookupFunction {
  const lookup = (hostname: string, options: { family?: number | string; all?: boolean }, callback: LookupCallback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.find((entry) => addressKind(entry.address) === 'private');
        if (refused) {
          callback(privateAddressRefused(url, refused.address) as unknown as NodeJS.ErrnoException, []);
          return;
        }
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
        const usable = family === 4 || family === 6 ? addresses.filter((entry) => entry.family === family) : addresses;
        const first = usable[0];
        if (first === undefined) {
          const error: NodeJS.ErrnoException = new Error(`no address of ${hostname} to connect to`);
          error.code = 'ENOTFOUND';
          callback(error, []);
        } else if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
  return lookup as unknown as LookupFunction;
}

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface GuardedFetch {
  fetch: FetchLike;
  /** Ends the pooled connections (the upstream connection closed). */
  close(): void;
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  return Object.fromEntries(new Headers(init?.headers).entries());
}

function toResponse(res: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const status = res.statusCode ?? 502;
  const empty = method === 'HEAD' || status === 204 || status === 304;
  if (empty) res.resume();
  const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: res.statusMessage ?? '', headers });
}

/**
 * A fetch for the SDK's http client transports over node:http(s) agents whose sockets resolve
 * through guardedLookup (the global fetch takes no lookup). Redirects are not followed: the
 * SDK's own redirect policy sees them, as with a plain fetch in `manual` mode.
 */
export function guardedFetch(url: string, resolve: Resolve): GuardedFetch {
  const lookup = guardedLookup(url, resolve);
  const httpAgent = new HttpAgent({ keepAlive: true, lookup });
  const httpsAgent = new HttpsAgent({ keepAlive: true, lookup });
  const fetch: FetchLike = (input, init) =>
    new Promise<Response>((resolveResponse, reject) => {
      const target = new URL(input.toString());
      const secure = target.protocol === 'https:';
      const method = (init?.method ?? 'GET').toUpperCase();
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        {
          method,
          headers: headersOf(init),
          agent: secure ? httpsAgent : httpAgent,
          ...(init?.signal ? { signal: init.signal } : {}),
        },
        (res) => resolveResponse(toResponse(res, method)),
      );
      request.on('error', reject);
      const body = init?.body;
      if (typeof body === 'string' || body instanceof Uint8Array) request.end(body);
      else request.end();
    });
  return {
    fetch,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
