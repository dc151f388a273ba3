/**
 * What the control API needs from the running gateway (core/sessions/gatewayHost.ts):
 * where it listens, the sessions it holds now, and a way to end one.
 */
import type { ProfileCatalogs } from '../profiles/catalog.js';

export interface LiveSession {
  id: string;
  /** The server it is a session of, or `profiles/NAME` for a session of a profile's endpoint. */
  server: string;
  /** The profile whose endpoint it uses, or null for a server's own endpoint. */
  profile: string | null;
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

export interface GatewayControl extends ProfileCatalogs {
  /** e.g. http://127.0.0.1:7711, or null while not listening. */
  readonly url: string | null;
  readonly port: number | null;
  liveSessions(): LiveSession[];
  /** Ends a live session; false when no live session has that id. */
  killSession(id: string, reason: string): boolean;
  /** Whether the gateway serves a profile of that name at /profiles/NAME/mcp. */
  hasProfile(name: string): boolean;
  /** Bytes in and out on the gateway's connections (metrics); absent: not counted. */
  traffic?(): { bytesIn: number; bytesOut: number };
}

/** Lifecycle notes the gateway reports, which the session history records. */
export type SessionRecordEvent =
  | { type: 'opened'; session: LiveSession }
  | { type: 'closed'; session: LiveSession; reason: string };
