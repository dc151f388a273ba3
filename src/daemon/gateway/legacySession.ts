import type { ServerResponse } from 'node:http';
import { errorResponse, type JsonRpcMessage, RPC_ERROR } from '../../protocol/jsonrpc.js';
import type { BackendSession, SessionOutput } from '../../protocol/session.js';
import type { Logger } from '../../shared/logger.js';
import { isRequestMessage } from './framing.js';
import {
  clientInfoOf,
  closeBackendQuietly,
  newSessionInfo,
  type RegisteredSession,
  type SessionRegistry,
} from './sessionRegistry.js';
import { messageFrame, SLOW_CLIENT, type SseHub, SseWriter } from './sseWriter.js';
import type { GatewaySessionInfo } from './types.js';

/**
 * A legacy HTTP+SSE session (protocol 2024-11-05): one SSE stream carries every message
 * to the client; the client POSTs to the endpoint it was told. The session lives exactly
 * as long as that stream.
 */
export class LegacySession implements SessionOutput, RegisteredSession {
  readonly info: GatewaySessionInfo;
  private backend: BackendSession | undefined;
  private writer: SseWriter | undefined;
  private ending = false;
  /** Requests taken and not yet answered (counted in the gateway's drain gate too). */
  private inFlight = 0;

  constructor(
    id: string,
    server: string,
    private readonly registry: SessionRegistry,
    private readonly logger: Logger,
  ) {
    this.info = newSessionInfo(id, server, 'sse');
  }

  /** Connected sessions are never idle; a disconnected one has already ended. */
  get idle(): boolean {
    return this.writer?.isOpen !== true;
  }

  get isOpen(): boolean {
    return !this.ending;
  }

  attach(backend: BackendSession): void {
    this.backend = backend;
  }

  start(res: ServerResponse, hub: SseHub, endpoint: string): void {
    this.writer = new SseWriter(res, hub, undefined, (writer) => {
      if (writer.overflowed) this.logSlowClient(hub.maxUnreadBytes);
      this.end(writer.overflowed ? SLOW_CLIENT : 'client disconnected', false);
    });
    this.writer.write(`event: endpoint\ndata: ${endpoint}\n\n`);
  }

  receive(message: JsonRpcMessage): void {
    this.info.lastActivity = Date.now();
    const request = isRequestMessage(message) ? message : undefined;
    if (request !== undefined) {
      this.info.requests += 1;
      this.inFlight += 1;
      this.registry.requests.started(1);
      if (request.method === 'initialize') this.info.clientInfo ??= clientInfoOf(request.params);
    }
    try {
      (this.backend as BackendSession).receive(message);
    } catch (error) {
      this.logger.warn({ err: error, sessionId: this.info.id }, 'gateway session backend failed to take a message');
      if (request !== undefined) {
        this.deliver(errorResponse(request.id, RPC_ERROR.internalError, 'Internal error: the session backend failed'));
      }
    }
  }

  /** A gateway-made error (a bad batch member) goes out on the stream like any answer, but answers no request taken. */
  reject(error: JsonRpcMessage): void {
    if (this.ending) return;
    this.info.errors += 1;
    this.writer?.write(messageFrame(JSON.stringify(error)));
  }

  deliver(message: JsonRpcMessage): void {
    if (this.ending) return;
    if (!('method' in message) && this.inFlight > 0) {
      this.inFlight -= 1;
      this.registry.requests.settled(1);
    }
    if ('error' in message) this.info.errors += 1;
    this.writer?.write(messageFrame(JSON.stringify(message)));
  }

  close(reason: string): void {
    this.end(reason, true);
  }

  private logSlowClient(maxUnreadBytes: number): void {
    this.logger.warn(
      { sessionId: this.info.id, server: this.info.server, maxUnreadBytes },
      'gateway cut off a client that stopped reading its stream',
    );
  }

  end(reason: string, fromBackend: boolean): void {
    if (this.ending) return;
    this.ending = true;
    this.registry.remove(this.info.id, reason);
    if (!fromBackend) closeBackendQuietly(this.backend, this.logger, this.info.id);
    this.writer?.end();
    if (this.inFlight > 0) this.registry.requests.settled(this.inFlight);
    this.inFlight = 0;
  }
}
