import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { JsonRpcId, JsonRpcMessage } from '../jsonrpc.js';
import type { ClientInfo, SessionOutput } from '../session.js';
import { levelName } from './logLevels.js';

/** What `session ls` shows of one session on a shared upstream. */
export interface SharedSessionStats {
  id: string;
  clientInfo: ClientInfo | undefined;
  protocolVersion: string | undefined;
  /** Requests received from the client, answered locally or upstream. */
  requests: number;
  /** Error responses delivered to the client. */
  errors: number;
  inFlight: number;
  subscriptions: number;
  logLevel: LoggingLevel | undefined;
  openedAt: number;
  lastActivity: number;
}

/** One session's routing state and counters; owned by SharedUpstream. */
export class SharedSessionState {
  initialized = false;
  closed = false;
  protocolVersion: string | undefined;
  clientInfo: ClientInfo | undefined;
  capabilities: Record<string, unknown> = {};
  /** Rank of the level the client set with logging/setLevel; undefined = never set. */
  logRank: number | undefined;
  readonly subscriptions = new Set<string>();
  /** The client's id of each request in flight upstream → its upstream id. */
  readonly inflight = new Map<JsonRpcId, number>();
  requests = 0;
  errors = 0;
  readonly openedAt = Date.now();
  lastActivity = this.openedAt;

  constructor(
    readonly id: string,
    private readonly output: SessionOutput,
  ) {}

  deliver(message: JsonRpcMessage, relatedRequestId?: JsonRpcId): void {
    if (this.closed) return;
    if ('error' in message) this.errors++;
    this.output.deliver(message, relatedRequestId);
  }

  /** Tells the transport the backend ended this session. */
  end(reason: string): void {
    this.output.close(reason);
  }

  stats(): SharedSessionStats {
    return {
      id: this.id,
      clientInfo: this.clientInfo,
      protocolVersion: this.protocolVersion,
      requests: this.requests,
      errors: this.errors,
      inFlight: this.inflight.size,
      subscriptions: this.subscriptions.size,
      logLevel: this.logRank === undefined ? undefined : levelName(this.logRank),
      openedAt: this.openedAt,
      lastActivity: this.lastActivity,
    };
  }
}
