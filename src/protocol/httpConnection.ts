import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { errorResponse, isRequest, type JsonRpcMessage, RPC_ERROR } from './jsonrpc.js';
import { RpcPeer } from './rpcPeer.js';
import type { RpcEndpoint } from './stdioConnection.js';
import { traceHeaderFetch } from './traceHeaderFetch.js';

export interface HttpConnectionOptions {
  url: string;
  /** Sent with every request: the server definition's headers (never a client's). */
  headers: Record<string, string>;
  /** The legacy HTTP+SSE transport instead of Streamable HTTP. */
  sse?: boolean;
  /** The fetch for every request (the daemon's address-checked one); the global fetch when absent. */
  fetch?: FetchLike;
  /** Tracing is on: requests with trace context in `_meta` carry it as HTTP headers too. */
  traceHeaders?: boolean;
  /** Every message that is not an answer to this connection's own requests. */
  onMessage(message: JsonRpcMessage): void;
  onClose(reason: string): void;
  /** A transport failure (a cut stream, a refused POST): the server may be gone. */
  onError(error: Error): void;
}

/**
 * One MCP session with a Streamable HTTP server, as a message connection: the
 * daemon's own requests go through `request`, gateway sessions' messages through
 * `send`, just as on a stdio server. The SDK transport does the HTTP (SSE
 * answers, the GET stream, session id, protocol-version header, reconnects).
 */
export class HttpConnection implements RpcEndpoint {
  private readonly transport: StreamableHTTPClientTransport | SSEClientTransport;
  private readonly peer: RpcPeer;

  constructor(private readonly options: HttpConnectionOptions) {
    const fetch = options.traceHeaders ? traceHeaderFetch(options.fetch ?? globalThis.fetch) : options.fetch;
    const init = { requestInit: { headers: options.headers }, ...(fetch ? { fetch } : {}) };
    this.transport = options.sse
      ? new SSEClientTransport(new URL(options.url), init)
      : new StreamableHTTPClientTransport(new URL(options.url), init);
    this.peer = new RpcPeer(
      (message) => this.send(message),
      (message) => options.onMessage(message),
    );
    this.transport.onmessage = (message) => this.peer.receive(message as JsonRpcMessage);
    this.transport.onclose = () => this.closed('the connection to the server was closed');
    this.transport.onerror = (error) => options.onError(error);
  }

  start(): Promise<void> {
    return this.transport.start();
  }

  send(message: JsonRpcMessage): void {
    this.transport.send(message as JSONRPCMessage).catch((error: unknown) => {
      // A failed POST must not leave its caller waiting: answer the request with an error.
      if (isRequest(message)) {
        this.peer.receive(
          errorResponse(message.id, RPC_ERROR.connectionClosed, `upstream request failed: ${(error as Error).message}`),
        );
      }
    });
  }

  request(
    method: string,
    params: Record<string, unknown> | undefined,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    return this.peer.request(method, params, timeoutMs);
  }

  /** After initialize: later requests carry the negotiated MCP-Protocol-Version header. */
  setProtocolVersion(version: string): void {
    this.transport.setProtocolVersion(version);
  }

  async close(): Promise<void> {
    // Ending the session politely is best effort: the server may already be gone.
    if (this.transport instanceof StreamableHTTPClientTransport) {
      await this.transport.terminateSession().catch(() => undefined);
    }
    await this.transport.close();
  }

  private closed(reason: string): void {
    this.peer.close(reason);
    this.options.onClose(reason);
  }
}
