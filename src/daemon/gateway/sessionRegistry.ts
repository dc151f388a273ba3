import type { ServerResponse } from 'node:http';
import type { ClientInfo } from '../../protocol/session.js';
import type { Logger } from '../../shared/logger.js';
import { RequestGate } from './requestGate.js';
import type {
  GatewaySessionInfo,
  GatewaySessionSnapshot,
  GatewayTransport,
  SessionEvent,
  SessionOwner,
} from './types.js';

/** What the registry needs from a session of either transport. */
export interface RegisteredSession {
  readonly info: GatewaySessionInfo;
  /** No HTTP exchange open: the idle clock runs. */
  readonly idle: boolean;
  /** Ends the session and releases everything it holds; `fromBackend` when the backend closed it. */
  end(reason: string, fromBackend: boolean): void;
}

export function newSessionInfo(id: string, server: string, transport: GatewayTransport): GatewaySessionInfo {
  const now = Date.now();
  return { id, server, transport, startedAt: now, lastActivity: now, requests: 0, errors: 0 };
}

/** Counts a session's open HTTP exchanges: a session with one open is never idle. */
export class ConnectionTracker {
  private open = 0;

  constructor(private readonly info: GatewaySessionInfo) {}

  get idle(): boolean {
    return this.open === 0;
  }

  track(res: ServerResponse): void {
    this.open += 1;
    this.info.lastActivity = Date.now();
    res.on('close', () => {
      this.open -= 1;
      this.info.lastActivity = Date.now();
    });
  }
}

export interface RegistryOptions {
  maxSessions: number;
  idleTimeoutMs: number;
  logger: Logger;
  onSessionEvent: ((event: SessionEvent) => void) | undefined;
}

/** Every open session of the gateway, with the count cap and the idle sweep. */
export class SessionRegistry {
  private readonly sessions = new Map<string, RegisteredSession>();
  /** Who opened each session (principalKey): another principal presenting its id gets 404. */
  private readonly owners = new Map<string, SessionOwner>();
  /** Requests in flight across all sessions, for the drain of a stopping daemon. */
  readonly requests = new RequestGate();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: RegistryOptions) {}

  get isFull(): boolean {
    return this.sessions.size >= this.options.maxSessions;
  }

  get(id: string): RegisteredSession | undefined {
    return this.sessions.get(id);
  }

  add(session: RegisteredSession, owner: SessionOwner): void {
    this.sessions.set(session.info.id, session);
    this.owners.set(session.info.id, owner);
    this.emit('opened', session.info);
  }

  /** Forgets a session (the session tears itself down); false when it was not registered. */
  remove(id: string, reason: string): boolean {
    const session = this.sessions.get(id);
    if (session === undefined) return false;
    this.sessions.delete(id);
    this.owners.delete(id);
    this.emit('closed', session.info, reason);
    return true;
  }

  close(id: string, reason: string): boolean {
    const session = this.sessions.get(id);
    if (session === undefined) return false;
    session.end(reason, false);
    return true;
  }

  /** Who opened the session, while it is open. */
  ownerOf(id: string): SessionOwner | undefined {
    return this.owners.get(id);
  }

  /** The session, if it is open and `owner` opened it; undefined otherwise (the two look the same to a client). */
  owned(id: string, owner: SessionOwner): RegisteredSession | undefined {
    return this.owners.get(id)?.key === owner.key ? this.sessions.get(id) : undefined;
  }

  /** Ends every session `owner` opened (a revoked token); returns how many. */
  closeOwnedBy(ownerKey: string, reason: string): number {
    let closed = 0;
    for (const [id, who] of [...this.owners]) {
      if (who.key === ownerKey && this.close(id, reason)) closed += 1;
    }
    return closed;
  }

  list(): GatewaySessionSnapshot[] {
    return [...this.sessions.values()].map((session) => ({
      ...session.info,
      idleSince: session.idle ? session.info.lastActivity : null,
    }));
  }

  startSweeper(): void {
    const { idleTimeoutMs } = this.options;
    // Check often enough that a session outlives its timeout by at most a quarter of it.
    const every = Math.min(Math.max(Math.floor(idleTimeoutMs / 4), 10), 60_000);
    this.sweeper = setInterval(() => this.sweep(Date.now()), every);
    this.sweeper.unref();
  }

  sweep(now: number): void {
    for (const session of [...this.sessions.values()]) {
      if (session.idle && now - session.info.lastActivity >= this.options.idleTimeoutMs) {
        session.end('idle', false);
      }
    }
  }

  closeAll(reason: string): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    for (const session of [...this.sessions.values()]) session.end(reason, false);
  }

  private emit(type: SessionEvent['type'], info: GatewaySessionInfo, reason?: string): void {
    const listener = this.options.onSessionEvent;
    if (listener === undefined) return;
    const event: SessionEvent = {
      type,
      sessionId: info.id,
      server: info.server,
      transport: info.transport,
      info: { ...info },
    };
    if (info.clientInfo !== undefined) event.clientInfo = info.clientInfo;
    if (reason !== undefined) event.reason = reason;
    try {
      listener(event);
    } catch (error) {
      this.options.logger.warn({ err: error, sessionId: info.id }, 'gateway session event listener failed');
    }
  }
}

/** clientInfo from an initialize request's params, when it has the spec's shape. */
export function clientInfoOf(params: Record<string, unknown> | undefined): ClientInfo | undefined {
  const value = params?.clientInfo;
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, version } = value as Record<string, unknown>;
  return typeof name === 'string' && typeof version === 'string' ? { name, version } : undefined;
}

/** Closes a session's backend on behalf of the client; a backend that throws must not stop the gateway's own cleanup. */
export function closeBackendQuietly(backend: { close(): void } | undefined, logger: Logger, sessionId: string): void {
  try {
    backend?.close();
  } catch (error) {
    logger.warn({ err: error, sessionId }, 'gateway session backend failed to close');
  }
}
