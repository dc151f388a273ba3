import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientInfo, SessionBackend } from '../../protocol/session.js';
import type { SessionEndData } from '../../protocol/sessionEnd.js';
import type { Logger } from '../../shared/logger.js';
import type { CallContext, Principal } from '../../shared/principal.js';
import type { RelayTarget } from './relay.js';
import type { Route } from './route.js';

/** Who owns a session: the same principal must present its id (the spec's `<user_id>:<session_id>` binding). */
export function ownerKey(principal: Principal): string {
  return `${principal.kind}:${principal.name}`;
}

/** Who opened a session: the key that later requests must match, and the call that opened it. */
export interface SessionOwner {
  key: string;
  call: CallContext;
}

/** `hidden`: answered like an unknown server or profile (out of the token's scope). */
export type GatewayVerdict = 'ok' | 'forbidden' | 'hidden';

export type GatewayTransport = 'streamable-http' | 'sse';

export interface SessionEvent {
  type: 'opened' | 'closed';
  sessionId: string;
  server: string;
  transport: GatewayTransport;
  clientInfo?: ClientInfo;
  /** Why a session closed: 'client ended the session', 'idle', 'slow client', 'killed', the backend's reason, ... */
  reason?: string;
  /** The session's counters and times when the event happened (final ones for 'closed'). */
  info: GatewaySessionInfo;
}

/** Why the gateway refused a request before it reached a session (bounded: the label values of a metric). */
export const REJECT_REASONS = ['origin', 'host', 'size', 'auth', 'rate', 'sessions'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Why a request was relayed to another node: its session lives there, or its server runs only there. */
export const FORWARD_REASONS = ['session', 'placement'] as const;
export type ForwardReason = (typeof FORWARD_REASONS)[number];

/**
 * The cluster's say on requests this node cannot serve itself (core/cluster/forwarding.ts): who
 * owns a session it does not hold, where a server it does not run runs. Asked only off the hot
 * path: a request for a session open here never reaches it.
 */
export interface GatewayForwarding {
  /** The owner of a session this gateway does not hold, when another live node; undefined: answer 404. */
  owner(sessionId: string, call: CallContext): Promise<RelayTarget | undefined>;
  /** The node to open a session of `target` on, when this node does not run it; undefined: here. */
  placement(target: string, call: CallContext): RelayTarget | undefined;
  /** A session now known to live on `node` (a relayed initialize opened it there). */
  learned(sessionId: string, node: string): void;
  /** A session whose owner could not be reached, or said it is gone: not relayed there again. */
  lost(sessionId: string): void;
  /** A new session id that names this node as its owner, so that other nodes find it without the store. */
  newSessionId(): string;
}

/** What the gateway reports to the daemon's metrics and how it serves `GET /metrics`. */
export interface GatewayMetrics {
  rejected(reason: RejectReason): void;
  /** A request relayed to another node. */
  forwarded(reason: ForwardReason): void;
  /** The Prometheus text exposition of every metric of the daemon. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

export interface GatewayOptions {
  /** Bind address; only this one (default deployments pass '127.0.0.1'). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** `gateway.allowedHosts`: Host values (`host` or `host:port`) a load balancer in front forwards. */
  allowedHosts?: readonly string[];
  /** The session backend serving a server name (or `profiles/NAME`), or undefined when there is no such server. */
  backends: (serverName: string) => SessionBackend | undefined;
  logger: Logger;
  /** Largest accepted request body (default 4 MiB). */
  maxBodyBytes?: number;
  /** A session with no open connection and no request for this long is closed (default 10 min). */
  idleTimeoutMs?: number;
  /** A stream whose client leaves more than this unread is cut off and its session ended (default 8 MiB). */
  maxUnreadBytes?: number;
  /** Open sessions across both transports; beyond it new sessions get 503 (default 1024). */
  maxSessions?: number;
  /** Interval of SSE keep-alive comments (default 15 s). */
  keepAliveMs?: number;
  onSessionEvent?: (event: SessionEvent) => void;
  /** Absent when `metrics.enabled` is false: nothing is counted and `/metrics` answers 404. */
  metrics?: GatewayMetrics;
  /**
   * `gateway.auth: token` on the loopback listener: the caller, or undefined once the gate has
   * answered (401, 429). Without it loopback callers are the local owner.
   */
  gate?: (req: IncomingMessage, res: ServerResponse) => CallContext | undefined;
  /** The role matrix's say on a gateway path, for a caller (default: everything allowed). */
  authorize?: (call: CallContext, route: Route) => GatewayVerdict;
  /** Whether a caller may read `/metrics` (false: 403); everyone when absent. */
  authorizeMetrics?: (call: CallContext) => boolean;
  /**
   * Asked when a request names a session the gateway does not hold: why it ended, when the
   * client must know (killed), from the session history so that it holds across restarts.
   */
  endedSession?: (id: string) => Promise<SessionEndData | undefined>;
  /**
   * Tracing is on: a request's W3C `traceparent` header becomes the trace context of the messages
   * of its body that carry none in `params._meta` (the transport's context, for clients that only
   * set the header).
   */
  traceHeaders?: boolean;
  /** In a cluster: relaying what another node holds (sessions, servers placed elsewhere). */
  forwarding?: GatewayForwarding;
  /** The dashboard's routes (`/ui/...`), served on this listener behind the same Host/Origin checks. */
  ui?: { handles(url: string | undefined): boolean; handle(req: IncomingMessage, res: ServerResponse): Promise<void> };
}

export interface GatewaySessionInfo {
  id: string;
  server: string;
  transport: GatewayTransport;
  /** Epoch milliseconds. */
  startedAt: number;
  /** Epoch milliseconds of the last client request or connection change. */
  lastActivity: number;
  /** JSON-RPC requests received from the client. */
  requests: number;
  /** Error responses sent to the client, including the gateway's own rejections within the session. */
  errors: number;
  clientInfo?: ClientInfo;
}

/** A session as `Gateway.sessions()` reports it. */
export interface GatewaySessionSnapshot extends GatewaySessionInfo {
  /** Since when its idle clock runs (epoch ms); null while a request or stream of it is open. */
  idleSince: number | null;
}

export interface Gateway {
  readonly port: number;
  /** Base URL, e.g. http://127.0.0.1:7711 (endpoints are /servers/<name>/mcp and /servers/<name>/sse). */
  readonly url: string;
  /**
   * Stops taking new sessions and requests (503) and waits for the requests in flight:
   * true once they are all answered, false when `timeoutMs` passes first. close() follows.
   */
  drain(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
  sessions(): GatewaySessionSnapshot[];
  /** Bytes read and written on the listener's connections since it started (0 without metrics). */
  traffic(): { bytesIn: number; bytesOut: number };
  /** Another front door (the remote listener), past its own Host, Origin and token checks. */
  handle(req: IncomingMessage, res: ServerResponse, call: CallContext): void;
  /** Ends the sessions a principal opened (its token was revoked); returns how many. */
  closeSessionsOf(principal: Principal, reason: string): number;
  /** The call that opened a session (who, from where); undefined once it is gone. */
  callerOf(sessionId: string): CallContext | undefined;
  /** Ends a session as if the backend had closed it; false when no such session is open. */
  killSession(id: string, reason?: string): boolean;
}

export const GATEWAY_DEFAULTS = {
  maxBodyBytes: 4 * 1024 * 1024,
  idleTimeoutMs: 10 * 60 * 1000,
  maxUnreadBytes: 8 * 1024 * 1024,
  maxSessions: 1024,
  keepAliveMs: 15_000,
} as const;
