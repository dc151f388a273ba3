import { EventEmitter, once } from 'node:events';
import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { onTestFinished } from 'vitest';
import { startGateway } from '../../../../../src/daemon/gateway/gateway.js';
import type { Gateway, GatewayOptions, SessionEvent } from '../../../../../src/daemon/gateway/types.js';
import { silentLogger } from '../../../../../src/shared/logger.js';
import { EchoBackend, type EchoSession } from './echoBackend.js';

export interface Harness {
  gateway: Gateway;
  backend: EchoBackend;
  /** A second server, to check that sessions never cross servers. */
  other: EchoBackend;
  events: SessionEvent[];
  /** Resolves with the first session event (past or future) that matches. */
  waitForEvent(match: (event: SessionEvent) => boolean): Promise<SessionEvent>;
  url(path?: string): URL;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<GatewayOptions> = {}): Promise<Harness> {
  const backend = new EchoBackend();
  const other = new EchoBackend();
  const events: SessionEvent[] = [];
  const emitter = new EventEmitter();
  const gateway = await startGateway({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger,
    backends: (name) => (name === 'echo' ? backend : name === 'other' ? other : undefined),
    onSessionEvent: (event) => {
      events.push(event);
      emitter.emit('event', event);
    },
    ...overrides,
  });
  return {
    gateway,
    backend,
    other,
    events,
    waitForEvent: (match) => {
      const seen = events.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const listener = (event: SessionEvent): void => {
          if (!match(event)) return;
          emitter.off('event', listener);
          resolve(event);
        };
        emitter.on('event', listener);
      });
    },
    url: (path = '/servers/echo/mcp') => new URL(path, gateway.url),
    close: () => gateway.close(),
  };
}

/** startHarness for one test: closed when that test ends, however it ends (a close of its own counts once). */
export async function startTestHarness(overrides: Partial<GatewayOptions> = {}): Promise<Harness> {
  const harness = await startHarness(overrides);
  const closeGateway = harness.close;
  let closed: Promise<void> | undefined;
  harness.close = () => {
    closed ??= closeGateway();
    return closed;
  };
  onTestFinished(() => harness.close());
  return harness;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): { jsonrpc?: string; id?: unknown; result?: unknown; error?: { code: number; message: string } };
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Accept + Content-Type of a well-behaved Streamable HTTP POST. */
export const POST_HEADERS = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

/** POST_HEADERS plus the session id and protocol version of a request inside session `id`. */
export function sessionPostHeaders(id: string): Record<string, string> {
  return { ...POST_HEADERS, 'mcp-session-id': id, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
}

/**
 * Posts tools/call `gated` as request `rpcId` in session `id` and waits until the backend holds it:
 * `session` releases it, `response` is the POST still waiting for its answer.
 */
export async function holdGatedCall(
  h: Harness,
  id: string,
  rpcId: number,
): Promise<{ session: EchoSession; response: Promise<RawResponse> }> {
  const gated = once(h.backend, 'gated') as Promise<[EchoSession]>;
  const response = rawRequest(h.gateway.port, {
    headers: sessionPostHeaders(id),
    body: rpc(rpcId, 'tools/call', { name: 'gated' }),
  });
  const [session] = await gated;
  return { session, response };
}

/** A raw HTTP/1.1 request with full control of every header (fetch refuses to set Host). */
export function rawRequest(port: number, options: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/servers/echo/mcp',
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export function rpc(id: number | string, method: string, params: Record<string, unknown> = {}): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, params });
}

export function initializeBody(id: number | string = 0, protocolVersion: string = LATEST_PROTOCOL_VERSION): string {
  return rpc(id, 'initialize', {
    protocolVersion,
    capabilities: {},
    clientInfo: { name: 'raw-test', version: '0.0.1' },
  });
}

/** Opens a Streamable HTTP session with a raw initialize and returns its id. */
export async function rawSession(
  port: number,
  protocolVersion: string = LATEST_PROTOCOL_VERSION,
  path = '/servers/echo/mcp',
): Promise<string> {
  const res = await rawRequest(port, { path, headers: POST_HEADERS, body: initializeBody(0, protocolVersion) });
  const id = res.headers['mcp-session-id'];
  if (res.status !== 200 || typeof id !== 'string') throw new Error(`initialize failed: ${res.status} ${res.text}`);
  return id;
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A raw SSE response read event by event. */
export class RawSse {
  private buffer = '';
  /** Everything received, comments included. */
  text = '';
  private readonly queue: SseEvent[] = [];
  private readonly waiters: Array<(event: SseEvent | undefined) => void> = [];
  private done = false;
  private readonly closed: Promise<void>;

  private constructor(
    readonly res: IncomingMessage,
    private readonly destroy: () => void,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.feed(chunk));
    // A stream the test cuts ends with 'aborted': that is the point, not a failure.
    res.on('error', () => {});
    this.closed = new Promise((resolve) => {
      res.on('close', () => {
        this.done = true;
        for (const waiter of this.waiters.splice(0)) waiter(undefined);
        resolve();
      });
    });
  }

  static open(port: number, options: RawRequest): Promise<RawSse> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: options.method ?? 'GET',
          path: options.path ?? '/servers/echo/mcp',
          headers: { host: `127.0.0.1:${port}`, ...options.headers },
          agent: false,
        },
        (res) => resolve(new RawSse(res, () => req.destroy())),
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  /** The next event, or undefined once the stream has ended. */
  next(): Promise<SseEvent | undefined> {
    const event = this.queue.shift();
    if (event !== undefined) return Promise.resolve(event);
    if (this.done) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Waits for the server to end the response. */
  ended(): Promise<void> {
    return this.closed;
  }

  close(): void {
    this.destroy();
  }

  private feed(chunk: string): void {
    this.text += chunk;
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = parseBlock(block);
      if (event !== undefined) {
        const waiter = this.waiters.shift();
        if (waiter !== undefined) waiter(event);
        else this.queue.push(event);
      }
      end = this.buffer.indexOf('\n\n');
    }
  }
}

function parseBlock(block: string): SseEvent | undefined {
  const event: SseEvent = { data: '' };
  let fields = 0;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields += 1;
    if (name === 'id') event.id = value;
    else if (name === 'event') event.event = value;
    else if (name === 'data') event.data = event.data === '' ? value : `${event.data}\n${value}`;
  }
  return fields === 0 ? undefined : event;
}
