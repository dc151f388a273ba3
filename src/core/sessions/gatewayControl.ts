/**
 * What the control API needs from the running gateway (core/sessions/gatewayHost.ts):
 * where it listens, the sessions it holds now, and a way to end one.
 */
export interface LiveSession {
  id: string;
  server: string;
  transport: 'streamable-http' | 'sse';
  clientName: string | null;
  clientVersion: string | null;
  protocolVersion: string | null;
  startedAt: number;
  lastActivity: number;
  /** Since when the session's idle clock runs; null while a request or stream of it is open. */
  idleSince: number | null;
  requests: number;
  errors: number;
}

export interface GatewayControl {
  /** e.g. http://127.0.0.1:7711, or null while not listening. */
  readonly url: string | null;
  readonly port: number | null;
  liveSessions(): LiveSession[];
  /** Ends a live session; false when no live session has that id. */
  killSession(id: string, reason: string): boolean;
}

/** Lifecycle notes the gateway reports, which the session history records. */
export type SessionRecordEvent =
  | { type: 'opened'; session: LiveSession }
  | { type: 'closed'; session: LiveSession; reason: string };
