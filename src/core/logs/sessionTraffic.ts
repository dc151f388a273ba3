import type { TrafficOutcome, TrafficRecord } from '../../protocol/multiplex/upstreamTap.js';

/** One request of a session as `logs --session` shows it. */
export interface TrafficEntry {
  time: string;
  server: string;
  method: string;
  /** The tool, prompt or resource the request names (tools/call's `name`, resources/read's `uri`). */
  target: string | null;
  durationMs: number;
  outcome: TrafficOutcome;
  error: string | null;
  /** Only for a server defined with --debug-payloads: the request's arguments (params for other methods). */
  arguments?: unknown;
}

interface Kept {
  startedAt: number;
  server: string;
  method: string;
  target: string | undefined;
  durationMs: number;
  outcome: TrafficOutcome;
  error: TrafficRecord['error'];
  args: unknown;
}

/** A fixed-size ring: the newest `capacity` entries, oldest first when read. */
class Ring {
  private readonly items: Kept[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(item: Kept): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  list(): Kept[] {
    return this.items.length < this.capacity
      ? [...this.items]
      : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
}

export interface SessionTrafficOptions {
  /** Requests kept per session (the newest). */
  perSession?: number;
  /** Sessions kept (the most recently opened), closed ones included. */
  sessions?: number;
}

/**
 * Each gateway session's recent requests, in memory: bounded per session and in sessions, so it
 * costs one small object per request and never grows. Not kept across daemon restarts.
 * Recording reads two fields of the params and keeps the arguments only when asked to.
 */
export class SessionTraffic {
  private readonly rings = new Map<string, Ring>();
  private readonly perSession: number;
  private readonly maxSessions: number;

  constructor(options: SessionTrafficOptions = {}) {
    this.perSession = options.perSession ?? 200;
    this.maxSessions = options.sessions ?? 256;
  }

  record(sessionId: string, server: string, record: TrafficRecord, keepArguments: boolean): void {
    let ring = this.rings.get(sessionId);
    if (ring === undefined) {
      ring = new Ring(this.perSession);
      this.rings.set(sessionId, ring);
      if (this.rings.size > this.maxSessions) {
        const oldest = this.rings.keys().next().value;
        if (oldest !== undefined) this.rings.delete(oldest);
      }
    }
    const params = record.params;
    const target = params?.name ?? params?.uri;
    ring.push({
      startedAt: record.startedAt,
      server,
      method: record.method,
      target: typeof target === 'string' ? target : undefined,
      durationMs: record.durationMs,
      outcome: record.outcome,
      error: record.error,
      args: keepArguments ? argumentsOf(record.method, params) : undefined,
    });
  }

  /** The session's requests, oldest first; undefined when none was recorded (or it aged out). */
  entries(sessionId: string): TrafficEntry[] | undefined {
    return this.rings.get(sessionId)?.list().map(toEntry);
  }
}

/** tools/call and prompts/get carry their values in `arguments`; other methods' params are the values. */
function argumentsOf(method: string, params: Record<string, unknown> | undefined): unknown {
  if (params === undefined) return null;
  if (method === 'tools/call' || method === 'prompts/get') return params.arguments ?? {};
  const { _meta, ...rest } = params;
  void _meta;
  return rest;
}

function toEntry(kept: Kept): TrafficEntry {
  const error = kept.error;
  return {
    time: new Date(kept.startedAt).toISOString(),
    server: kept.server,
    method: kept.method,
    target: kept.target ?? null,
    durationMs: Math.round(kept.durationMs * 1000) / 1000,
    outcome: kept.outcome,
    error: error === undefined ? null : error.code === undefined ? error.message : `${error.code} ${error.message}`,
    ...(kept.args === undefined ? {} : { arguments: kept.args }),
  };
}
