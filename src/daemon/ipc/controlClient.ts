import {
  type ClientRequest,
  type RequestOptions as HttpRequestOptions,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request,
} from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { McpctlError } from '../../shared/errors.js';
import { errorFromAnswer, isErrorEnvelope, toClientError } from './clientErrors.js';

/**
 * The CLI's side of the control socket: plain node:http over a Unix socket, one
 * connection per call (no keep-alive to wind down), nothing else loaded.
 */

/** Where the daemon answers: its Unix socket's path, or a remote context's listener. */
export type Endpoint = string | RemoteEndpoint;

export interface RemoteEndpoint {
  /** https://HOST:PORT */
  url: string;
  token: string;
  /** PEM of the CA to trust, or the SHA-256 fingerprint to pin (`AB:CD:...`). */
  ca?: string;
  fingerprint?: string;
}

export interface JsonAnswer {
  status: number;
  body: unknown;
}

export interface RequestOptions {
  /** Whole-call deadline; none by default (some calls wait for servers to stop). */
  timeoutMs?: number | undefined;
}

export function postJson(
  endpoint: Endpoint,
  path: string,
  body: unknown,
  options: RequestOptions = {},
): Promise<JsonAnswer> {
  return requestJson(endpoint, 'POST', path, body, options);
}

export function getJson(endpoint: Endpoint, path: string, options: RequestOptions = {}): Promise<JsonAnswer> {
  return requestJson(endpoint, 'GET', path, undefined, options);
}

function requestJson(
  endpoint: Endpoint,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  options: RequestOptions,
): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const payload = method === 'POST' ? (JSON.stringify(body) ?? '{}') : undefined;
    const headers: OutgoingHttpHeaders = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const req = openRequest(endpoint, path, method, headers);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (error: McpctlError | undefined, answer?: JsonAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else if (answer) resolve(answer);
    };
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      timer = setTimeout(() => {
        settle(
          new McpctlError('TIMEOUT', `the daemon did not answer ${path} within ${ms} ms`, {
            hint: "it may be busy or hung: check 'mcpctl daemon status' and 'mcpctl daemon logs'",
          }),
        );
        req.destroy();
      }, ms);
    }
    req.on('error', (error) => settle(toClientError(labelOf(endpoint), error)));
    req.on('response', (res) => {
      readText(res).then(
        (text) => {
          const status = res.statusCode ?? 0;
          const parsed = parseJson(text);
          if (parsed.ok) settle(undefined, { status, body: parsed.value });
          else settle(invalidAnswer(path, status));
        },
        (error: unknown) => settle(toClientError(labelOf(endpoint), error)),
      );
    });
    req.end(payload);
  });
}

/**
 * Opens a stream and yields each NDJSON item as its line arrives. Ends quietly when
 * `signal` aborts (the client is done) or the daemon ends the stream; throws the
 * daemon's error when it sends one.
 */
export async function* postStream(
  endpoint: Endpoint,
  path: string,
  body: unknown,
  signal: AbortSignal,
): AsyncGenerator<unknown> {
  if (signal.aborted) return;
  const res = await openStream(endpoint, path, body, signal);
  if (res === undefined) return;
  res.setEncoding('utf8');
  let pending = '';
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.trim() !== '') yield parseItem(path, line);
        newline = pending.indexOf('\n');
      }
    }
    if (pending.trim() !== '') yield parseItem(path, pending);
  } catch (error) {
    if (signal.aborted) return;
    throw toClientError(labelOf(endpoint), error);
  } finally {
    res.destroy();
  }
}

function openStream(
  endpoint: Endpoint,
  path: string,
  body: unknown,
  signal: AbortSignal,
): Promise<IncomingMessage | undefined> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body) ?? '{}';
    const headers = {
      accept: 'application/x-ndjson',
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    };
    const req = openRequest(endpoint, path, 'POST', headers, signal);
    req.on('error', (error) => {
      if (signal.aborted) resolve(undefined);
      else reject(toClientError(labelOf(endpoint), error));
    });
    req.on('response', (res) => {
      if (res.statusCode === 200) {
        resolve(res);
        return;
      }
      const status = res.statusCode ?? 0;
      readText(res).then(
        (text) => {
          const parsed = parseJson(text);
          reject(parsed.ok ? errorFromAnswer(status, parsed.value) : invalidAnswer(path, status));
        },
        (error: unknown) => reject(toClientError(labelOf(endpoint), error)),
      );
    });
    req.end(payload);
  });
}

/**
 * One request on its own connection. `createConnection` keeps node:http's Agent out of it: the Agent
 * derives a TLS server name from the host with net.isIP, whose cold IPv6 regex costs ~6 ms of every
 * CLI call. The explicit Host spares ClientRequest the same check.
 */
function openRequest(
  endpoint: Endpoint,
  path: string,
  method: 'GET' | 'POST',
  headers: OutgoingHttpHeaders,
  signal?: AbortSignal,
): ClientRequest {
  if (typeof endpoint === 'string') {
    return request({
      path,
      method,
      headers: { host: 'mcpctl', ...headers },
      createConnection: () => connect(endpoint),
      ...(signal ? { signal } : {}),
    });
  }
  const url = new URL(endpoint.url);
  return request({
    path,
    method,
    headers: { host: url.host, authorization: `Bearer ${endpoint.token}`, ...headers },
    // The TLS socket is verified (CA or pinned fingerprint) before the request, and its token, is written.
    createConnection: ((_options: unknown, done: (error: Error | null, socket?: Duplex) => void) => {
      verifiedTlsSocket(endpoint, url).then(
        (socket) => done(null, socket),
        (error: Error) => done(error),
      );
      return undefined;
    }) as HttpRequestOptions['createConnection'],
    ...(signal ? { signal } : {}),
  } as HttpRequestOptions);
}

/** A context's daemon over TLS: the socket once its certificate passed, else the reason it did not. */
async function verifiedTlsSocket(endpoint: RemoteEndpoint, url: URL): Promise<Duplex> {
  return (await verifiedHandshake(endpoint, url)).socket;
}

async function verifiedHandshake(
  endpoint: RemoteEndpoint,
  url: URL,
): Promise<{ socket: Duplex; certificate: string | undefined }> {
  const { connect: connectTls } = await import('node:tls');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const pinned = endpoint.fingerprint?.replace(/^sha256[: ]?/i, '').toUpperCase();
  return new Promise((resolve, reject) => {
    const socket = connectTls({
      host,
      port: Number(url.port || 443),
      ...(/^[\d.]+$/.test(host) || host.includes(':') ? {} : { servername: host }),
      ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
      // Pinning replaces the CA check: the self-signed certificate is trusted by its fingerprint alone.
      rejectUnauthorized: pinned === undefined,
      minVersion: 'TLSv1.2',
    });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      // Asked once: Node 20 answers a second getPeerX509Certificate() with undefined.
      const peer = socket.getPeerX509Certificate();
      const seen = peer?.fingerprint256;
      if (pinned !== undefined && seen !== pinned) {
        socket.destroy();
        reject(
          new McpctlError(
            'PERMISSION_DENIED',
            `the daemon at ${endpoint.url} presented a certificate with another fingerprint`,
            {
              hint: `expected SHA256 ${pinned}, got ${seen ?? 'none'}: if the daemon's certificate changed on purpose, run 'mcpctl context add' again with its new fingerprint ('mcpctl daemon status' on that host)`,
            },
          ),
        );
        return;
      }
      socket.off('error', reject);
      resolve({ socket, certificate: peer?.toString() });
    });
  });
}

/** The PEM of a context's certificate once its fingerprint (or CA) checked out: a trust anchor for other clients. */
export async function verifiedCertificate(endpoint: RemoteEndpoint): Promise<string> {
  const url = new URL(endpoint.url);
  const { socket, certificate } = await verifiedHandshake(endpoint, url);
  socket.destroy();
  if (certificate === undefined) {
    throw new McpctlError('PERMISSION_DENIED', `the daemon at ${endpoint.url} presented no certificate`);
  }
  return certificate;
}

function labelOf(endpoint: Endpoint): string {
  return typeof endpoint === 'string' ? endpoint : endpoint.url;
}

function parseItem(path: string, line: string): unknown {
  const parsed = parseJson(line);
  if (!parsed.ok) throw invalidAnswer(path, 200);
  if (isErrorEnvelope(parsed.value)) throw McpctlError.fromPayload(parsed.value.error);
  return parsed.value;
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
    });
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function invalidAnswer(path: string, status: number): McpctlError {
  return new McpctlError('INTERNAL', `the daemon answered ${path} (HTTP ${status}) with something that is not JSON`, {
    hint: "is something else listening on the mcpctl socket? check 'mcpctl daemon status'",
  });
}
