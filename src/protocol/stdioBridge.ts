import { Agent, request } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { errorResponse, isRequest, type JsonRpcMessage, RPC_ERROR } from './jsonrpc.js';
import { SseParser } from './sseParser.js';

export interface StdioBridgeOptions {
  /** The gateway endpoint, e.g. http://127.0.0.1:7711/servers/everything/mcp */
  url: string;
  input: Readable;
  output: Writable;
  /** Diagnostics (stderr): stdout carries only JSON-RPC. */
  warn(message: string): void;
}

/**
 * Joins a stdio MCP client to the gateway's Streamable HTTP endpoint, for clients
 * that can only launch a command. Each stdin line is POSTed on a keep-alive
 * connection (the SDK's fetch-based client costs ~0.5 ms more a call); answers,
 * JSON or SSE, go to stdout as lines. Resolves when stdin ends and the session
 * has been closed.
 */
export function runStdioBridge(options: StdioBridgeOptions): Promise<void> {
  return new StdioBridge(options).run();
}

class StdioBridge {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly target: URL;
  private sessionId: string | undefined;
  private protocolVersion: string | undefined;
  private standalone: ReturnType<typeof request> | undefined;
  private inflight = new Set<Promise<void>>();
  private closing = false;

  constructor(private readonly options: StdioBridgeOptions) {
    this.target = new URL(options.url);
  }

  async run(): Promise<void> {
    const { input } = this.options;
    let pending = '';
    let chain: Promise<void> = Promise.resolve();
    const done = new Promise<void>((resolve) => {
      input.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        let newline = pending.indexOf('\n');
        while (newline !== -1) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          // Until the session exists, keep order: initialize must finish before anything else is sent.
          if (line && this.sessionId) this.track(this.forward(line));
          else if (line) chain = chain.then(() => this.forward(line));
          newline = pending.indexOf('\n');
        }
      });
      input.on('end', resolve);
      input.on('close', resolve);
    });
    await done;
    await chain;
    await Promise.all(this.inflight);
    await this.close();
  }

  private track(work: Promise<void>): void {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }

  private write(message: unknown): void {
    this.options.output.write(`${JSON.stringify(message)}\n`);
  }

  private async forward(line: string): Promise<void> {
    let message: JsonRpcMessage;
    try {
      message = JSON.parse(line) as JsonRpcMessage;
    } catch {
      this.write(errorResponse(null, RPC_ERROR.parseError, 'Parse error: stdin line is not JSON'));
      return;
    }
    try {
      await this.post(line, message);
    } catch (error) {
      if (isRequest(message)) {
        this.write(
          errorResponse(message.id, RPC_ERROR.internalError, `mcpctl gateway unreachable: ${(error as Error).message}`),
        );
      } else {
        this.options.warn(`mcpctl connect: could not deliver a message: ${(error as Error).message}`);
      }
    }
  }

  private headers(body: string | undefined): Record<string, string | number> {
    const headers: Record<string, string | number> = { accept: 'application/json, text/event-stream' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion) headers['mcp-protocol-version'] = this.protocolVersion;
    return headers;
  }

  private post(body: string, message: JsonRpcMessage): Promise<void> {
    const initializing = isRequest(message) && message.method === 'initialize';
    return new Promise((resolve, reject) => {
      const req = request(this.target, { method: 'POST', agent: this.agent, headers: this.headers(body) }, (res) => {
        const session = res.headers['mcp-session-id'];
        if (initializing && typeof session === 'string') this.sessionId = session;
        this.readAnswer(res, initializing).then(resolve, reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  private readAnswer(res: import('node:http').IncomingMessage, initializing: boolean): Promise<void> {
    const type = res.headers['content-type'] ?? '';
    res.setEncoding('utf8');
    return new Promise((resolve, reject) => {
      res.on('error', reject);
      if (type.startsWith('text/event-stream')) {
        const parser = new SseParser((event) => this.deliver(event.data, initializing));
        res.on('data', (chunk: string) => parser.push(chunk));
        res.on('end', resolve);
        return;
      }
      let text = '';
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        if (text.trim()) this.deliver(text, initializing);
        resolve();
      });
    });
  }

  /** Writes one answer to stdout; after initialize, learns the version and opens the server stream. */
  private deliver(data: string, initializing: boolean): void {
    if (!data.trim()) return; // priming events carry no data
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.options.warn('mcpctl connect: the gateway sent a body that is not JSON');
      return;
    }
    const version = (parsed as { result?: { protocolVersion?: unknown } }).result?.protocolVersion;
    if (initializing && typeof version === 'string') {
      this.protocolVersion = version;
      this.openStandaloneStream(undefined);
    }
    this.options.output.write(`${data.includes('\n') ? JSON.stringify(parsed) : data}\n`);
  }

  /** The GET stream carries what the server sends unasked (list_changed, log messages, updates). */
  private openStandaloneStream(lastEventId: string | undefined): void {
    if (this.closing || !this.sessionId) return;
    const headers: Record<string, string | number> = { ...this.headers(undefined), accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    let lastId = lastEventId;
    const req = request(this.target, { method: 'GET', agent: this.agent, headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      const parser = new SseParser((event) => {
        lastId = event.id ?? lastId;
        if (event.data.trim()) this.options.output.write(`${event.data}\n`);
      });
      res.on('data', (chunk: string) => parser.push(chunk));
      res.on('end', () => {
        const retry = setTimeout(() => this.openStandaloneStream(lastId), 500);
        retry.unref();
      });
    });
    req.on('error', () => undefined);
    req.end();
    this.standalone = req;
  }

  private async close(): Promise<void> {
    this.closing = true;
    this.standalone?.destroy();
    if (this.sessionId) {
      await new Promise<void>((resolve) => {
        const req = request(
          this.target,
          { method: 'DELETE', agent: this.agent, headers: this.headers(undefined) },
          (res) => {
            res.resume();
            res.on('end', resolve);
          },
        );
        req.on('error', () => resolve());
        req.end();
      });
    }
    this.agent.destroy();
  }
}
