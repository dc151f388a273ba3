import type { Readable, Writable } from 'node:stream';
import { McpctlError } from '../shared/errors.js';
import {
  errorResponse,
  isMessage,
  isRequest,
  isResponse,
  type JsonRpcMessage,
  type JsonRpcResponse,
  RPC_ERROR,
} from './jsonrpc.js';
import { splitLines } from './lineSplitter.js';

export interface StdioConnectionOptions {
  /** The server's stdout: newline-delimited JSON-RPC. */
  input: Readable;
  /** The server's stdin. */
  output: Writable;
  maxLineBytes: number;
  /** A stdout line that is not JSON-RPC (servers must not write them; some do). */
  onNoise(line: string): void;
  onOversize(bytes: number): void;
  /** Every message that is not an answer to one of this connection's own requests. */
  onMessage(message: JsonRpcMessage): void;
}

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Our own request ids carry this prefix so they never collide with ids the gateway forwards. */
const OWN_ID_PREFIX = 'mcpctl-';

/**
 * One JSON-RPC connection over a child's stdio. The supervisor sends its own
 * requests (initialize, ping) through `request`; everything else is handed to
 * `onMessage`, where the gateway routes it to sessions.
 */
export class StdioConnection {
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private closedReason: string | undefined;

  constructor(private readonly options: StdioConnectionOptions) {
    options.output.on('error', () => this.close('the server closed its stdin'));
    splitLines(options.input, options.maxLineBytes, {
      line: (text) => this.receiveLine(text),
      oversize: (bytes) => options.onOversize(bytes),
    });
    options.input.on('close', () => this.close('the server closed its stdout'));
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  send(message: JsonRpcMessage): void {
    if (this.closedReason !== undefined) return;
    this.options.output.write(`${JSON.stringify(message)}\n`);
  }

  /** Sends a request with an id of our own and resolves with its result. */
  request(
    method: string,
    params: Record<string, unknown> | undefined,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new McpctlError('SERVER_FAILED', `cannot send ${method}: ${this.closedReason}`));
    }
    const id = `${OWN_ID_PREFIX}${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'timeout' } });
        reject(new McpctlError('TIMEOUT', `the server did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      this.send(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    });
  }

  close(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new McpctlError('SERVER_FAILED', reason));
      this.pending.delete(id);
    }
  }

  private receiveLine(text: string): void {
    if (text.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.options.onNoise(text);
      return;
    }
    if (!isMessage(parsed)) {
      this.options.onNoise(text);
      return;
    }
    if (isResponse(parsed) && typeof parsed.id === 'string' && this.settleOwn(parsed)) return;
    if (isRequest(parsed) && parsed.method === 'ping') {
      // Servers may ping their client; answer for every session at once.
      this.send({ jsonrpc: '2.0', id: parsed.id, result: {} });
      return;
    }
    this.options.onMessage(parsed);
  }

  private settleOwn(response: JsonRpcResponse): boolean {
    const id = response.id;
    if (typeof id !== 'string' || !id.startsWith(OWN_ID_PREFIX)) return false;
    const pending = this.pending.get(id);
    if (!pending) return true; // a late answer to a request that timed out
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if ('result' in response) pending.resolve(response.result);
    else
      pending.reject(
        new McpctlError(
          'SERVER_FAILED',
          `the server answered with error ${response.error.code}: ${response.error.message}`,
        ),
      );
    return true;
  }
}

/** Answers a server-to-client request nobody can take (no gateway session asked for it). */
export function refuseRequest(connection: StdioConnection, message: JsonRpcMessage): void {
  if (isRequest(message)) {
    connection.send(
      errorResponse(message.id, RPC_ERROR.methodNotFound, `no client connected to handle ${message.method}`),
    );
  }
}
