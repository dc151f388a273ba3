import type { Readable, Writable } from 'node:stream';
import { errorResponse, isMessage, isRequest, type JsonRpcMessage, RPC_ERROR } from './jsonrpc.js';
import { type OversizeLine, splitLines } from './lineSplitter.js';
import { nestsDeeperThan } from './nesting.js';
import { classifyOversize, type OversizeKind } from './oversizeLine.js';
import { RpcPeer } from './rpcPeer.js';

/**
 * How deep a server's message may nest. Deeper would overflow the stack when it is written on to
 * its client, far into the gateway, and its request would never be answered.
 */
export const MAX_UPSTREAM_NESTING = 1000;

/** A JSON-RPC connection to an upstream server, over stdio or HTTP. */
export interface RpcEndpoint {
  send(message: JsonRpcMessage): void;
  request(
    method: string,
    params: Record<string, unknown> | undefined,
    timeoutMs: number,
  ): Promise<Record<string, unknown>>;
}

export interface StdioConnectionOptions {
  /** The server's stdout: newline-delimited JSON-RPC. */
  input: Readable;
  /** The server's stdin. */
  output: Writable;
  maxLineBytes: number;
  /** A stdout line that is not JSON-RPC (servers must not write them; some do). */
  onNoise(line: string): void;
  /**
   * A stdout line over the cap was dropped. An answer whose id was found has already been
   * replaced by an error for its request, a server request refused; `lost` means someone
   * may be waiting for it with no way to tell who.
   */
  onOversize(bytes: number, what: OversizeKind): void;
  /** Every message that is not an answer to one of this connection's own requests. */
  onMessage(message: JsonRpcMessage): void;
}

/**
 * One JSON-RPC connection over a child's stdio. The supervisor sends its own
 * requests (initialize, ping) through `request`; everything else is handed to
 * `onMessage`, where the gateway routes it to sessions.
 */
export class StdioConnection implements RpcEndpoint {
  private readonly peer: RpcPeer;

  constructor(private readonly options: StdioConnectionOptions) {
    this.peer = new RpcPeer(
      (message) => this.send(message),
      (message) => options.onMessage(message),
    );
    options.output.on('error', () => this.close('the server closed its stdin'));
    splitLines(options.input, options.maxLineBytes, {
      line: (text) => this.receiveLine(text),
      oversize: (line) => this.receiveOversize(line),
    });
    options.input.on('close', () => this.close('the server closed its stdout'));
  }

  get closed(): boolean {
    return this.peer.closed;
  }

  /**
   * The first message of an event-loop turn goes out at once (a lone request waits for
   * nothing); the rest of that turn (say, requests of several sessions read from their
   * sockets together) are corked and reach the server as one write on setImmediate:
   * fewer syscalls and wake-ups on both sides.
   */
  send(message: JsonRpcMessage): void {
    if (this.peer.closed) return;
    const output = this.options.output;
    output.write(`${JSON.stringify(message)}\n`);
    if (output.writableCorked > 0) return;
    output.cork();
    setImmediate(() => output.uncork());
  }

  /** Sends a request with an id of our own and resolves with its result. */
  request(
    method: string,
    params: Record<string, unknown> | undefined,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    return this.peer.request(method, params, timeoutMs);
  }

  close(reason: string): void {
    this.peer.close(reason);
  }

  /** No one may wait on a line that was thrown away: its request fails now instead. */
  private receiveOversize(line: OversizeLine): void {
    const what = classifyOversize(line);
    const over = `${line.bytes} bytes, over mcpctl's cap of ${this.options.maxLineBytes} bytes for one message (servers.maxLineBytes)`;
    if (what.kind === 'answer') {
      this.peer.receive(
        errorResponse(what.id, RPC_ERROR.internalError, `the server's answer was ${over}, so it was dropped`),
      );
    } else if (what.kind === 'request') {
      this.send(errorResponse(what.id, RPC_ERROR.invalidRequest, `your request was ${over}, so it was dropped`));
    }
    this.options.onOversize(line.bytes, what);
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
    if (!isMessage(parsed)) this.options.onNoise(text);
    else if (nestsDeeperThan(text, MAX_UPSTREAM_NESTING)) this.receiveTooDeep(parsed);
    else this.peer.receive(parsed);
  }

  /** Like a line over the cap: its request fails now, a server request is refused, anything else is noise. */
  private receiveTooDeep(message: JsonRpcMessage): void {
    const why = `nests deeper than ${MAX_UPSTREAM_NESTING} levels, so it was dropped`;
    const id = 'id' in message ? message.id : undefined;
    if (id === undefined || id === null) this.options.onNoise(`a message that ${why}`);
    else if (isRequest(message)) this.send(errorResponse(id, RPC_ERROR.invalidRequest, `your request ${why}`));
    else this.peer.receive(errorResponse(id, RPC_ERROR.internalError, `the server's answer ${why}`));
  }
}

/**
 * Answers a server-to-client request nobody can take (no gateway session asked for it). A
 * roots/list (servers ask right after initialize) gets an empty list, not an error the server
 * would log: there are no roots yet, and whoever binds it later tells it when there are.
 */
export function refuseRequest(connection: RpcEndpoint, message: JsonRpcMessage): void {
  if (!isRequest(message)) return;
  if (message.method === 'roots/list') {
    connection.send({ jsonrpc: '2.0', id: message.id, result: { roots: [] } });
    return;
  }
  connection.send(
    errorResponse(message.id, RPC_ERROR.methodNotFound, `no client connected to handle ${message.method}`),
  );
}
