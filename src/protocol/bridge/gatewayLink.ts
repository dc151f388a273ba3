import { Agent, type ClientRequest, type IncomingMessage, type RequestOptions, request } from 'node:http';
import { request as requestTls } from 'node:https';
import { SESSION_KILLED, SESSION_NOT_FOUND } from '../sessionEnd.js';
import { SseParser } from '../sseParser.js';

/** A whole answer of the gateway: its status, the session id it named, the JSON-RPC messages of its body. */
export interface GatewayReply {
  status: number;
  sessionId: string | undefined;
  messages: unknown[];
}

/** Why a 404 came: the session is gone (replace it), was killed (do not), or the server is gone. */
export type Gone = 'session' | 'killed' | 'server';

/**
 * Where the bridge talks to: the endpoint (it moves when a restarted daemon's gateway gets
 * another port), the session on it and its protocol version, over one keep-alive agent.
 */
/** A remote gateway (a context's listener): its TLS agent (CA or pinned certificate) and the bearer token. */
export interface SecureLink {
  agent: Agent;
  authorization: string;
}

export class GatewayLink {
  readonly agent: Agent;
  target: URL;
  sessionId: string | undefined;
  protocolVersion: string | undefined;

  constructor(
    url: string,
    private readonly secure?: SecureLink,
  ) {
    this.target = new URL(url);
    this.agent = secure?.agent ?? new Agent({ keepAlive: true, maxSockets: 64 });
  }

  /** A request to the endpoint, over TLS for an https one. */
  open(options: RequestOptions, onResponse: (res: IncomingMessage) => void): ClientRequest {
    return (this.target.protocol === 'https:' ? requestTls : request)(this.target, options, onResponse);
  }

  headers(body: string | undefined): Record<string, string | number> {
    const headers: Record<string, string | number> = { accept: 'application/json, text/event-stream' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion) headers['mcp-protocol-version'] = this.protocolVersion;
    if (this.secure) headers.authorization = this.secure.authorization;
    return headers;
  }

  /** One POST read to its end (the bridge's own requests: probes and replays, never the client's). */
  post(body: string, signal: AbortSignal): Promise<GatewayReply> {
    return new Promise((resolve, reject) => {
      const options = { method: 'POST', agent: this.agent, headers: this.headers(body), signal };
      const req = this.open(options, (res) => {
        readReply(res).then(resolve, reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** DELETE: the client is done with the session (errors are moot: the bridge is leaving). */
  endSession(): Promise<void> {
    if (this.sessionId === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const req = this.open({ method: 'DELETE', agent: this.agent, headers: this.headers(undefined) }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => resolve());
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Reads a JSON or SSE body whole and parses its messages (a body that is not JSON counts as none). */
export function readReply(res: IncomingMessage): Promise<GatewayReply> {
  const session = res.headers['mcp-session-id'];
  const sse = (res.headers['content-type'] ?? '').startsWith('text/event-stream');
  const messages: unknown[] = [];
  const add = (data: string): void => {
    if (!data.trim()) return;
    try {
      messages.push(JSON.parse(data));
    } catch {
      // not JSON: nothing the bridge can act on
    }
  };
  const parser = new SseParser((event) => add(event.data));
  let text = '';
  res.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    res.on('data', (chunk: string) => {
      if (sse) parser.push(chunk);
      else text += chunk;
    });
    res.on('error', reject);
    res.on('end', () => {
      if (!sse) add(text);
      resolve({ status: res.statusCode ?? 0, sessionId: typeof session === 'string' ? session : undefined, messages });
    });
  });
}

/** What a 404 means, read from its JSON-RPC error (sessionEnd.ts); undefined for any other status. */
export function goneOf(reply: GatewayReply): Gone | undefined {
  if (reply.status !== 404) return undefined;
  const error = (reply.messages[0] as { error?: { code?: unknown; data?: { reason?: unknown } } } | undefined)?.error;
  if (error?.code !== SESSION_NOT_FOUND) return 'server';
  return error.data?.reason === SESSION_KILLED ? 'killed' : 'session';
}

/** The message of a reply's JSON-RPC error, or its HTTP status. */
export function replyError(reply: GatewayReply): string {
  const message = (reply.messages[0] as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' ? message : `the gateway answered HTTP ${reply.status}`;
}

const NEVER_REACHED = new Set(['ECONNREFUSED', 'ENOENT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** A request that failed before any gateway could take it: safe to send again. */
export function neverReached(error: unknown): boolean {
  return NEVER_REACHED.has((error as NodeJS.ErrnoException).code ?? '');
}
