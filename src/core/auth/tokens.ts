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

/**
 * The daemon's tokens, held in memory by hash (a request costs one map lookup) and written
 * through to the store. Revoking takes effect on the next request; listeners close what the
 * token held open (gateway sessions).
 */
export class TokenService {
  private readonly byHash = new Map<string, StoredToken>();
  private readonly touched = new Map<string, number>();
  private readonly revokedListeners: Array<(name: string) => void> = [];
  /** Each connection's last accepted token (weakly: it goes with the socket). */
  private readonly byConnection = new WeakMap<object, Admitted>();

  constructor(private readonly deps: { tokens: TokenRepository; logger: Logger; now(): number }) {}

  async load(): Promise<void> {
    this.byHash.clear();
    for (const token of await this.deps.tokens.list()) this.byHash.set(token.hash, token);
  }

  /** Returns the token itself: the only time it exists outside the client's hands. */
  async create(input: NewToken): Promise<{ token: string; stored: StoredToken }> {
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
    return { token, stored };
  }

  list(): StoredToken[] {
    return [...this.byHash.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async revoke(name: string): Promise<boolean> {
    const removed = await this.deps.tokens.remove(name);
    for (const [hash, token] of this.byHash) if (token.name === name) this.byHash.delete(hash);
    this.touched.delete(name);
    if (removed) {
      for (const listener of this.revokedListeners) {
        try {
          listener(name);
        } catch (error) {
          this.deps.logger.warn({ err: error, token: name }, 'a token revocation listener failed');
        }
      }
    }
    return removed;
  }

  onRevoked(listener: (name: string) => void): void {
    this.revokedListeners.push(listener);
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
