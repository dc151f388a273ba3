/** How a forwarded request ended, as the session's traffic summary shows it. */
export type TrafficOutcome = 'ok' | 'error' | 'timeout' | 'cancelled' | 'lost';

/** One request of a session, told when it ended: cheap to make (a handful of fields, no copies). */
export interface TrafficRecord {
  /** Epoch ms when the request arrived. */
  startedAt: number;
  method: string;
  durationMs: number;
  outcome: TrafficOutcome;
  /** The JSON-RPC error (outcome `error`), or why it ended otherwise. */
  error?: { code?: number; message: string };
  /** The request's params as the client sent them: whoever keeps the record decides what of it to keep. */
  params: Record<string, unknown> | undefined;
}

/**
 * What a SharedUpstream tells of its traffic besides routing it, for the daemon's logs. Both calls
 * are made off the answer path's critical work (after delivery) and must not throw.
 */
export interface UpstreamTap {
  /** A `notifications/message` the upstream sent (whether or not any session wanted it). */
  message(params: Record<string, unknown> | undefined): void;
  /** A session's request ended. */
  traffic(sessionId: string, record: TrafficRecord): void;
  /** The level the daemon itself wants from the upstream (a server's --log-level), or undefined. */
  wantedLevel(): number | undefined;
}
