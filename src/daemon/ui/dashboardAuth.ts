import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../shared/principal.js';

/** A login code is good for one exchange within this long (the link is opened at once). */
export const LOGIN_CODE_TTL_MS = 60_000;
/** A dashboard session ends this long after its last request: then the page goes back to login. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;

export interface LoginCode {
  code: string;
  expiresAt: number;
}

export interface DashboardSession {
  id: string;
  /** Sent back by the page in a header on every state-changing request. */
  csrf: string;
  principal: Principal;
  lastSeen: number;
}

export type Exchange = { ok: true; session: DashboardSession } | { ok: false; reason: 'unknown' | 'expired' };

/**
 * One-time login codes and the cookie sessions they become. Both live only in the daemon's
 * memory: a restarted daemon forgets them, and the page asks for a new link.
 */
export class DashboardAuth {
  private readonly codes = new Map<string, { principal: Principal; expiresAt: number }>();
  private readonly sessions = new Map<string, DashboardSession>();

  /**
   * `valid`: whether a session's principal still stands (a token revoked or expired since the
   * login ends its sessions at their next request); the local owner always does.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly valid: (principal: Principal) => boolean = () => true,
  ) {}

  createCode(principal: Principal): LoginCode {
    this.sweep();
    const code = token(18);
    const expiresAt = this.now() + LOGIN_CODE_TTL_MS;
    this.codes.set(code, { principal, expiresAt });
    return { code, expiresAt };
  }

  /** The code is spent by the attempt, whatever its outcome: it is never valid twice. */
  exchange(code: string): Exchange {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (entry === undefined) return { ok: false, reason: 'unknown' };
    if (entry.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, session: this.open(entry.principal) };
  }

  /** A session for a principal authenticated another way (a token typed on the login page). */
  open(principal: Principal): DashboardSession {
    const session: DashboardSession = { id: token(32), csrf: token(32), principal, lastSeen: this.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session of a cookie value, its idle clock restarted; undefined when unknown or expired. */
  session(id: string | undefined): DashboardSession | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (this.now() - session.lastSeen > SESSION_IDLE_MS || !this.valid(session.principal)) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeen = this.now();
    return session;
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session a token opened (revoked or expired); returns their ids. */
  closeSessionsOf(tokenName: string): string[] {
    const ended: string[] = [];
    for (const [id, session] of this.sessions) {
      if (session.principal.kind === 'token' && session.principal.name === tokenName) {
        this.sessions.delete(id);
        ended.push(id);
      }
    }
    return ended;
  }

  private sweep(): void {
    const now = this.now();
    for (const [code, entry] of this.codes) if (entry.expiresAt <= now) this.codes.delete(code);
    for (const [id, session] of this.sessions) if (now - session.lastSeen > SESSION_IDLE_MS) this.sessions.delete(id);
  }
}

export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
