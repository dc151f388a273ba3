import type { JsonRpcId, JsonRpcMessage } from './jsonrpc.js';

/**
 * The seam between a gateway transport (Streamable HTTP, legacy SSE, the stdio
 * bridge) and whatever serves the session (a shared upstream multiplexer, an
 * isolated process). Transports know HTTP, not MCP routing; session backends
 * know MCP routing, not HTTP.
 */

/** How a backend hands a message to the client of one session. */
export interface SessionOutput {
  /**
   * `relatedRequestId` is the client's own id of the request this message belongs to
   * (its response, progress, or a server-to-client request made while serving it), so
   * a Streamable HTTP transport can put it on that POST's stream; undefined means
   * "unsolicited" (list_changed, resource updates, log messages): the GET stream.
   */
  deliver(message: JsonRpcMessage, relatedRequestId?: JsonRpcId): void;
  /** The backend ended the session (upstream gone for good, session killed). */
  close(reason: string): void;
}

export interface ClientInfo {
  name: string;
  version: string;
}

/** One client's session on a backend. */
export interface BackendSession {
  readonly id: string;
  /** A message from the client (requests, notifications, responses to server-to-client requests). */
  receive(message: JsonRpcMessage): void;
  /** The client went away or ended the session (DELETE). */
  close(): void;
}

export interface SessionBackend {
  /**
   * Opens a session under `sessionId` (the transport's CSPRNG id); the first message
   * the client sends through `receive` is its initialize request.
   */
  open(sessionId: string, output: SessionOutput): BackendSession;
}
