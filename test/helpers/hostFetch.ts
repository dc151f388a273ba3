import { request } from 'node:http';
import { Readable } from 'node:stream';

/**
 * A fetch for the SDK's `StreamableHTTPClientTransport({ fetch })` that sends `Host: host`, as a
 * client that resolved that name to a balancer does. Node's fetch drops a Host header it is
 * given, so this one goes through node:http; it handles what the SDK sends (a string body or
 * none, an abort signal) and streams the response, SSE included.
 */
export function fetchWithHost(host: string): (url: string | URL, init?: RequestInit) => Promise<Response> {
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') {
        reject(new Error('fetchWithHost: only string bodies'));
        return;
      }
      const headers: Record<string, string> = { ...Object.fromEntries(new Headers(init.headers)), host };
      const method = init.method ?? 'GET';
      const req = request(new URL(url), { method, headers, signal: init.signal ?? undefined }, (res) => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
            answer.append(name, item);
          }
        }
        const status = res.statusCode ?? 502;
        const empty = method === 'HEAD' || status === 204 || status === 304;
        if (empty) res.resume();
        const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(body, { status, headers: answer }));
      });
      req.once('error', reject);
      req.end(init.body ?? undefined);
    });
}
