import type { Logger } from '../../shared/logger.js';
import type { Principal, PrincipalScope, Role } from '../../shared/principal.js';
import type { StoredToken, TokenRepository } from '../../store/types.js';
import { generateToken, hashToken, isTokenShaped, sameHash, sameText } from './tokenFormat.js';

/** Why a presented token was refused (each answers 401; the audit log names the reason). */
export type TokenRefusal = 'missing' | 'malformed' | 'unknown' | 'expired';

export type Authentication = { ok: true; principal: Principal } | { ok: false; reason: TokenRefusal };

export interface NewToken {
  name: string;
  role: Role;
  scope: PrincipalScope | null;
  readOnly: boolean;
  /** Epoch ms; null: never expires. */
  expiresAt: number | null;
}

/** A token found valid, as one connection presented it. */
interface Admitted {
  token: string;
  stored: StoredToken;
  /** Epoch ms; Infinity: never expires. */
  expiresAt: number;
  result: Authentication & { ok: true };
}

const MISSING: Authentication = Object.freeze({ ok: false, reason: 'missing' });
const MALFORMED: Authentication = Object.freeze({ ok: false, reason: 'malformed' });
const UNKNOWN: Authentication = Object.freeze({ ok: false, reason: 'unknown' });
const EXPIRED: Authentication = Object.freeze({ ok: false, reason: 'expired' });

/** `last used` is written at most this often per token: a busy client must not turn reads into writes. */
const TOUCH_EVERY_MS = 60_000;

/** Why a token stopped standing: what held it open (gateway sessions, dashboard streams) is closed then. */
export type TokenEnd = 'revoked' | 'expired';

/** setTimeout's longest delay; a later expiry is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The daemon's tokens, held in memory by hash (a request costs one map lookup) and written
 * through to the store. Revoking takes effect on the next request; listeners close what the
 * token held open (gateway sessions, dashboard streams), at revocation and at the moment it expires.
 */
export class TokenService {
  private readonly byHash = new Map<string, StoredToken>();
  private readonly touched = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly endedListeners: Array<(name: string, why: TokenEnd) => void> = [];
  /** Tokens whose expiry was announced: each is announced once. */
  private readonly expiredNames = new Set<string>();
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Each connection's last accepted token (weakly: it goes with the socket). */
  private readonly byConnection = new WeakMap<object, Admitted>();

  constructor(private readonly deps: { tokens: TokenRepository; logger: Logger; now(): number }) {}

  async load(): Promise<void> {
    this.byHash.clear();
    for (const token of await this.deps.tokens.list()) this.byHash.set(token.hash, token);
    this.scheduleExpiry();
  }

  /** Changes one at a time: a reload never drops a token created (or keeps one revoked) meanwhile. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Returns the token itself: the only time it exists outside the client's hands. */
  create(input: NewToken): Promise<{ token: string; stored: StoredToken }> {
    return this.exclusive(() => this.createNow(input));
  }

  private async createNow(input: NewToken): Promise<{ token: string; stored: StoredToken }> {
    const token = generateToken();
    const stored = await this.deps.tokens.insert({
      name: input.name,
      hash: hashToken(token),
      role: input.role,
      scope: input.scope === null ? null : { servers: [...input.scope.servers], profiles: [...input.scope.profiles] },
      readOnly: input.readOnly,
      expiresAt: input.expiresAt === null ? null : new Date(input.expiresAt).toISOString(),
    });
    this.byHash.set(stored.hash, stored);
    this.expiredNames.delete(stored.name);
    this.scheduleExpiry();
    return { token, stored };
  }

  list(): StoredToken[] {
    return [...this.byHash.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  revoke(name: string): Promise<boolean> {
    return this.exclusive(() => this.revokeNow(name));
  }

  private async revokeNow(name: string): Promise<boolean> {
    const removed = await this.deps.tokens.remove(name);
    for (const [hash, token] of this.byHash) if (token.name === name) this.byHash.delete(hash);
    this.touched.delete(name);
    if (removed) this.announce(name, 'revoked');
    this.scheduleExpiry();
    return removed;
  }

  /**
   * The tokens as the store has them (another node created or revoked some): a new one is usable at
   * the next request; one gone is refused from now on and its listeners told, as `revoke` does.
   */
  reload(): Promise<void> {
    return this.exclusive(() => this.reloadNow());
  }

  private async reloadNow(): Promise<void> {
    const before = new Set([...this.byHash.values()].map((token) => token.name));
    const stored = await this.deps.tokens.list();
    this.byHash.clear();
    for (const token of stored) this.byHash.set(token.hash, token);
    const now = new Set(stored.map((token) => token.name));
    for (const name of before) {
      if (now.has(name)) continue;
      this.touched.delete(name);
      this.announce(name, 'revoked');
    }
    this.scheduleExpiry();
  }

  /** Told when a token stops standing: revoked here, or its expiry time reached. */
  onEnded(listener: (name: string, why: TokenEnd) => void): void {
    this.endedListeners.push(listener);
  }

  /** Stops the expiry timer (the daemon is stopping). */
  close(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
  }

  /** Whether the token of this name still exists and has not expired (a dashboard session it opened lives as long). */
  isLive(name: string): boolean {
    const now = this.deps.now();
    for (const stored of this.byHash.values()) {
      if (stored.name === name) return stored.expiresAt === null || Date.parse(stored.expiresAt) > now;
    }
    return false;
  }

  /**
   * The principal a presented token stands for. The token itself is never logged. `connection`
   * (the request's socket) remembers the last token it presented: a keep-alive client sends the
   * same one on every request, and it is then compared in constant time instead of hashed again.
   * The remembered entry counts only while the token map still holds that very entry, so a
   * revocation or a reload takes effect at the connection's next request; expiry is checked every time.
   */
  authenticate(token: string | undefined, connection?: object): Authentication {
    if (token === undefined) return MISSING;
    const now = this.deps.now();
    const last = connection === undefined ? undefined : this.byConnection.get(connection);
    if (last !== undefined && sameText(last.token, token) && this.byHash.get(last.stored.hash) === last.stored) {
      return this.admit(last, now);
    }
    if (!isTokenShaped(token)) return MALFORMED;
    const hash = hashToken(token);
    const stored = this.byHash.get(hash);
    if (stored === undefined || !sameHash(stored.hash, hash)) return UNKNOWN;
    const admitted: Admitted = {
      token,
      stored,
      expiresAt: stored.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(stored.expiresAt),
      result: Object.freeze({ ok: true, principal: Object.freeze(toPrincipal(stored)) }),
    };
    if (connection !== undefined) this.byConnection.set(connection, admitted);
    return this.admit(admitted, now);
  }

  private admit(admitted: Admitted, now: number): Authentication {
    if (admitted.expiresAt <= now) return EXPIRED;
    this.touch(admitted.stored, now);
    return admitted.result;
  }

  private announce(name: string, why: TokenEnd): void {
    for (const listener of this.endedListeners) {
      try {
        listener(name, why);
      } catch (error) {
        this.deps.logger.warn({ err: error, token: name, why }, 'a token end listener failed');
      }
    }
  }

  /**
   * One timer, for the soonest expiry not yet announced: a request refuses an expired token by
   * itself, but a stream opened before the expiry would otherwise flow on until it reconnects.
   */
  private scheduleExpiry(): void {
    this.close();
    let soonest: number | undefined;
    for (const stored of this.byHash.values()) {
      if (stored.expiresAt === null || this.expiredNames.has(stored.name)) continue;
      const at = Date.parse(stored.expiresAt);
      if (soonest === undefined || at < soonest) soonest = at;
    }
    if (soonest === undefined) return;
    const delay = Math.min(Math.max(soonest - this.deps.now(), 0), MAX_TIMER_MS);
    this.expiryTimer = setTimeout(() => this.expireDue(), delay);
    this.expiryTimer.unref();
  }

  private expireDue(): void {
    this.expiryTimer = undefined;
    const now = this.deps.now();
    for (const stored of [...this.byHash.values()]) {
      if (stored.expiresAt === null || this.expiredNames.has(stored.name) || Date.parse(stored.expiresAt) > now)
        continue;
      this.expiredNames.add(stored.name);
      this.announce(stored.name, 'expired');
    }
    this.scheduleExpiry();
  }

  private touch(stored: StoredToken, now: number): void {
    const last = this.touched.get(stored.name);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
    this.touched.set(stored.name, now);
    const time = new Date(now).toISOString();
    stored.lastUsedAt = time;
    this.deps.tokens.touch(stored.name, time).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, token: stored.name }, 'could not record when a token was last used');
    });
  }
}

export function toPrincipal(stored: StoredToken): Principal {
  return {
    kind: 'token',
    name: stored.name,
    role: stored.role as Role,
    ...(stored.scope === null ? {} : { scope: stored.scope }),
    ...(stored.readOnly ? { readOnly: true } : {}),
  };
}
