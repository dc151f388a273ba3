import type { IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { McpctlError } from '../shared/errors.js';
import { readAnswer } from './bridge/answerStream.js';
import { goneError } from './bridge/bridgeErrors.js';
import { GatewayLink, goneOf, neverReached, readReply, replyError, type SecureLink } from './bridge/gatewayLink.js';
import { reconnect } from './bridge/reconnect.js';
import { BridgeReplay } from './bridge/replay.js';
import { StandaloneStream } from './bridge/standaloneStream.js';
import {
  errorResponse,
  isNotification,
  isRequest,
  isResponse,
  type JsonRpcId,
  type JsonRpcMessage,
  RPC_ERROR,
} from './jsonrpc.js';
import { type OversizeLine, splitLines } from './lineSplitter.js';
import { classifyOversize } from './oversizeLine.js';

export interface StdioBridgeOptions {
  /** The gateway endpoint, e.g. http://127.0.0.1:7711/servers/everything/mcp */
  url: string;
  /** mcpctl's name of the server (or profile), for messages. */
  server: string;
  /** `server` names a profile (its endpoint is /profiles/NAME/mcp). */
  profile?: boolean;
  input: Readable;
  output: Writable;
  /** Diagnostics (stderr): stdout carries only JSON-RPC. */
  warn(message: string): void;
  /** Looks the endpoint up again when the session is lost; throws NOT_FOUND once the server is gone. */
  resolveUrl?: () => Promise<string>;
  /** How long a lost session may take to come back before the bridge gives up (default 30 s). */
  reconnectTimeoutMs?: number;
  /** A remote context's gateway: TLS agent and token. */
  secure?: SecureLink;
}

export const DEFAULT_RECONNECT_TIMEOUT_MS = 30_000;
/** The gateway's default body cap: a longer stdin line could never be delivered. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * Joins a stdio MCP client to the gateway's Streamable HTTP endpoint, for clients that can
 * only launch a command. Each stdin line is POSTed on a keep-alive connection (the SDK's
 * fetch-based client costs ~0.5 ms more a call); answers, JSON or SSE, go to stdout as lines.
 * A lost session (daemon or server restarted) is replaced, with the client's set-up replayed;
 * a killed session, a removed server, or no session within the bound ends the bridge with an
 * error. Resolves when stdin ends and the session has been closed.
 */
export function runStdioBridge(options: StdioBridgeOptions): Promise<void> {
  return new StdioBridge(options).run();
}

class StdioBridge {
  private readonly link: GatewayLink;
  private readonly replay = new BridgeReplay();
  private readonly stream: StandaloneStream;
  private readonly stop = new AbortController();
  private inflight = new Set<Promise<void>>();
  /** Set while a lost session is being replaced: client messages wait on it. */
  private reconnecting: Promise<void> | undefined;
  private lastLoss = 0;
  private fatal: ((error: McpctlError) => void) | undefined;
  /** Why the bridge ends, once it must. */
  private ended: McpctlError | undefined;
  /** A session was opened once: from then on a lost one is replaced. */
  private established = false;
  private chain: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(private readonly options: StdioBridgeOptions) {
    this.link = new GatewayLink(options.url, options.secure);
    const lost = (): void => this.lost();
    this.stream = new StandaloneStream(this.link, (data) => this.writeLine(data), lost);
  }

  async run(): Promise<void> {
    const { input } = this.options;
    const failed = new Promise<McpctlError>((resolve) => {
      this.fatal = (error) => {
        this.ended ??= error;
        resolve(error);
      };
    });
    const done = new Promise<void>((resolve) => {
      // Bounded like a server's stdout: a client writing a huge line cannot grow the bridge's memory.
      splitLines(input, MAX_LINE_BYTES, {
        line: (text) => {
          const line = text.trim();
          if (line) this.accept(line);
        },
        oversize: (line) => this.tooLong(line),
      });
      input.on('end', resolve);
      input.on('close', resolve);
    });
    const error = await Promise.race([done.then(() => undefined), failed]);
    if (error !== undefined) {
      input.pause();
      this.closing = true;
      this.stop.abort(error);
      this.stream.close();
      this.link.close(); // cuts what is still in flight: each request gets its error now
      await Promise.allSettled(this.inflight);
      throw error;
    }
    await this.chain;
    await Promise.all(this.inflight);
    await this.close();
  }

  private accept(line: string): void {
    const message = this.parse(line);
    if (message === undefined) return;
    if (this.reconnecting) this.track(this.later(line, message));
    else if (this.link.sessionId) this.track(this.forward(line, message));
    // Until the session exists, keep order: initialize must finish before anything else is sent.
    else this.chain = this.chain.then(() => this.forward(line, message));
  }

  /** A line no gateway would take (its body cap): its request, if its id can be read, is answered at once. */
  private tooLong(line: OversizeLine): void {
    const text = `the message (${line.bytes} bytes) exceeds ${MAX_LINE_BYTES} bytes, the most the gateway takes`;
    const what = classifyOversize(line);
    if (what.kind === 'request')
      this.write(errorResponse(what.id, RPC_ERROR.invalidRequest, `mcpctl connect: ${text}`));
    else this.options.warn(`mcpctl connect: dropped a stdin line: ${text}`);
  }

  private track(work: Promise<void>): void {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }

  private writeLine(data: string): void {
    this.options.output.write(`${data}\n`);
  }

  private write(message: unknown): void {
    this.writeLine(JSON.stringify(message));
  }

  private parse(line: string): JsonRpcMessage | undefined {
    try {
      const message = JSON.parse(line) as JsonRpcMessage;
      this.replay.note(message, line);
      return message;
    } catch {
      this.write(errorResponse(null, RPC_ERROR.parseError, 'Parse error: stdin line is not JSON'));
      return undefined;
    }
  }

  /** A message that arrived while the session is being replaced: sent on the new one, or refused. */
  private later(line: string, message: JsonRpcMessage): Promise<void> {
    if (this.closing) {
      this.refuse(message, this.ended?.message ?? 'the bridge is closing');
      return Promise.resolve();
    }
    return (this.reconnecting ?? Promise.resolve()).then(
      () => this.forward(line, message),
      (error: unknown) => this.refuse(message, (error as Error).message),
    );
  }

  private refuse(message: JsonRpcMessage, text: string): void {
    if (isRequest(message)) this.answerError(message.id, text);
    else this.options.warn(`mcpctl connect: could not deliver a message: ${text}`);
  }

  private answerError(id: JsonRpcId, text: string): void {
    this.write(errorResponse(id, RPC_ERROR.connectionClosed, `mcpctl connect: ${text}`));
  }

  private async forward(line: string, message: JsonRpcMessage): Promise<void> {
    try {
      await this.post(line, message);
    } catch (error) {
      // Sent again on the next session only when no gateway can have taken it.
      if (this.established && neverReached(error)) {
        this.lost();
        return this.later(line, message);
      }
      this.refuse(message, this.ended?.message ?? `the mcpctl gateway is unreachable: ${(error as Error).message}`);
      if (this.link.sessionId) this.lost();
    }
  }

  private post(line: string, message: JsonRpcMessage): Promise<void> {
    const asked = isRequest(message) ? message : undefined;
    const id = asked?.id;
    const initializing = asked?.method === 'initialize';
    return new Promise((resolve, reject) => {
      const options = { method: 'POST', agent: this.link.agent, headers: this.link.headers(line) };
      const req = this.link.open(options, (res) => {
        if ((res.statusCode ?? 0) >= 400) {
          this.refused(res, line, message).then(resolve, reject);
          return;
        }
        const session = res.headers['mcp-session-id'];
        if (initializing && typeof session === 'string') this.link.sessionId = session;
        void readAnswer(res, (data) => this.deliver(data, initializing, id)).then((answered) => {
          // A request whose answer never came gets an error, never silence.
          if (!answered && id !== undefined) this.answerError(id, 'the gateway cut the answer off');
          resolve();
        });
      });
      req.on('error', reject);
      req.end(line);
    });
  }

  /** An HTTP error: a lost session is replaced (the message waits for it); anything else answers the request. */
  private async refused(res: IncomingMessage, line: string, message: JsonRpcMessage): Promise<void> {
    const reply = await readReply(res);
    const gone = goneOf(reply);
    if (gone === 'session' && this.established) {
      this.lost();
      return this.later(line, message);
    }
    const fatal = gone === undefined ? undefined : goneError(gone, this.link.sessionId, this.options);
    // A line that is no JSON-RPC message has no id to answer: the gateway's own error (id null) is the answer.
    if (fatal === undefined && !isRequest(message) && !isNotification(message) && !isResponse(message)) {
      for (const answer of reply.messages) this.write(answer);
    } else this.refuse(message, fatal?.message ?? replyError(reply));
    if (fatal !== undefined) this.fatal?.(fatal);
  }

  /** Writes one message to stdout; true when it answers request `id`. After initialize, opens the server stream. */
  private deliver(data: string, initializing: boolean, id: JsonRpcId | undefined): boolean {
    if (!data.trim()) return false; // priming events carry no data
    let parsed: { id?: unknown; method?: unknown; result?: { protocolVersion?: unknown } };
    try {
      parsed = JSON.parse(data);
    } catch {
      this.options.warn('mcpctl connect: the gateway sent a body that is not JSON');
      return false;
    }
    const version = parsed.result?.protocolVersion;
    if (initializing && typeof version === 'string') {
      this.link.protocolVersion = version;
      this.established = true;
      void this.stream.open();
    }
    this.writeLine(data.includes('\n') ? JSON.stringify(parsed) : data);
    return parsed.id === id && parsed.method === undefined;
  }

  /** The session may be gone: replace it (once, however many messages noticed). */
  private lost(): void {
    if (this.closing || this.reconnecting || !this.established) return;
    const delayFirst = Date.now() - this.lastLoss < 1000;
    this.lastLoss = Date.now();
    const context = { ...this.options, link: this.link, replay: this.replay, stream: this.stream };
    const timeoutMs = this.options.reconnectTimeoutMs ?? DEFAULT_RECONNECT_TIMEOUT_MS;
    this.reconnecting = reconnect(context, { timeoutMs, delayFirst, signal: this.stop.signal }).then(
      () => {
        this.reconnecting = undefined;
      },
      (error: unknown) => {
        if (error instanceof McpctlError) this.fatal?.(error);
        throw error;
      },
    );
    this.reconnecting.catch(() => undefined);
  }

  private async close(): Promise<void> {
    this.closing = true;
    this.stop.abort(new Error('stdin closed'));
    this.stream.close();
    if (!this.reconnecting) await this.link.endSession();
    this.link.close();
  }
}
