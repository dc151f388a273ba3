import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { generateToken, hashToken, isTokenShaped } from '../../../../src/core/auth/tokenFormat.js';
import { TokenService } from '../../../../src/core/auth/tokens.js';
import { bearerToken, hasTokenInQuery } from '../../../../src/daemon/remote/bearer.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';
import { useTempDir } from '../../store/tempDir.js';

const RUNS = Number(process.env.MCPCTL_FUZZ_RUNS ?? 2000);
const noStore = {
  list: async () => [],
  insert: async () => {
    throw new Error('unused');
  },
  remove: async () => false,
  touch: async () => {},
};

describe('token format', () => {
  it('is the mcpctl_ prefix and 256 random bits in base64url', () => {
    const token = generateToken();
    expect(token).toMatch(/^mcpctl_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice('mcpctl_'.length), 'base64url')).toHaveLength(32);
    expect(generateToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes the token from a Bearer header, refuses anything else, for any input (fuzzed)', () => {
    const token = generateToken();
    const tokens = new TokenService({ tokens: noStore, logger: silentLogger, now: Date.now });
    const accepted = (header: string): boolean => tokens.authenticate(bearerToken(header)).ok;
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer  ${token} `)).toBe(token);
    expect(bearerToken(`Basic ${token}`)).toBe('');
    expect(bearerToken(undefined)).toBeUndefined();
    expect(tokens.authenticate(bearerToken(`Bearer ${token}x`))).toEqual({ ok: false, reason: 'malformed' });
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (header) => {
        const parsed = bearerToken(header);
        expect(parsed === undefined || typeof parsed === 'string').toBe(true);
        expect(accepted(header)).toBe(false);
      }),
      { numRuns: RUNS },
    );
    // Mutations of a valid header: whatever comes out is refused unless it is the token unchanged.
    fc.assert(
      fc.property(fc.nat(token.length + 7), fc.string({ unit: 'binary', maxLength: 3 }), (at, insert) => {
        const header = `Bearer ${token}`;
        const mutated = header.slice(0, at) + insert + header.slice(at + 1);
        const parsed = bearerToken(mutated);
        if (parsed !== undefined && parsed !== '' && parsed !== token)
          expect(isTokenShaped(parsed) && parsed === token).toBe(false);
      }),
      { numRuns: RUNS },
    );
    expect(hasTokenInQuery(`/servers/a/mcp?access_token=x`)).toBe(true);
    expect(hasTokenInQuery(`/servers/a/messages?sessionId=${token}`)).toBe(true);
    expect(hasTokenInQuery('/servers/a/messages?sessionId=abc')).toBe(false);
  });
});

describe('TokenService', () => {
  const tempDir = useTempDir();

  function service(dir: string, now: () => number = Date.now) {
    const store = openSqliteStore({ path: join(dir, 'mcpctl.db'), logger: silentLogger });
    return { store, tokens: new TokenService({ tokens: store.tokens, logger: silentLogger, now }) };
  }

  it('stores only a hash, authenticates, expires and revokes', async () => {
    const dir = tempDir();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { store, tokens } = service(dir, () => now);
    const { token } = await tokens.create({
      name: 'ci',
      role: 'client',
      scope: { servers: ['a'], profiles: [] },
      readOnly: true,
      expiresAt: now + 60_000,
    });
    const revoked: string[] = [];
    tokens.onEnded((name, why) => revoked.push(`${name} ${why}`));
    expect(tokens.authenticate(token)).toEqual({
      ok: true,
      principal: { kind: 'token', name: 'ci', role: 'client', scope: { servers: ['a'], profiles: [] }, readOnly: true },
    });
    expect(tokens.authenticate(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(tokens.authenticate('nope')).toEqual({ ok: false, reason: 'malformed' });
    expect(tokens.authenticate(generateToken())).toEqual({ ok: false, reason: 'unknown' });
    // A fresh service reads the same tokens back from the store.
    const reloaded = new TokenService({ tokens: store.tokens, logger: silentLogger, now: () => now });
    await reloaded.load();
    expect(reloaded.authenticate(token).ok).toBe(true);
    expect(reloaded.list()[0]?.lastUsedAt).not.toBeNull();
    now += 60_000;
    expect(tokens.authenticate(token)).toEqual({ ok: false, reason: 'expired' });
    await expect(
      tokens.create({ name: 'ci', role: 'admin', scope: null, readOnly: false, expiresAt: null }),
    ).rejects.toThrow(/already exists/);
    expect(await tokens.revoke('ci')).toBe(true);
    expect(revoked).toEqual(['ci revoked']);
    expect(await tokens.revoke('ci')).toBe(false);
    store.close();
    expect(readFileSync(join(dir, 'mcpctl.db')).includes(token)).toBe(false);
  });

  it("reload takes another node's tokens: a new one is usable, one gone is refused and its listeners told", async () => {
    const dir = tempDir();
    const { store, tokens: here } = service(dir);
    const { store: otherStore, tokens: other } = service(dir);
    await here.load();
    const { token } = await other.create({ name: 'ci', role: 'client', scope: null, readOnly: false, expiresAt: null });
    expect(here.authenticate(token)).toEqual({ ok: false, reason: 'unknown' });
    await here.reload();
    expect(here.authenticate(token)).toMatchObject({ ok: true, principal: { name: 'ci' } });

    const revoked: string[] = [];
    here.onEnded((name) => revoked.push(name));
    await here.reload(); // nothing changed: nobody told
    expect(revoked).toEqual([]);
    await other.revoke('ci');
    await here.reload();
    expect(here.authenticate(token)).toEqual({ ok: false, reason: 'unknown' });
    expect(here.isLive('ci')).toBe(false);
    expect(revoked).toEqual(['ci']);
    store.close();
    otherStore.close();
  });

  it('announces each expiry once, at its time, soonest first, also for a token loaded from the store', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const dir = tempDir();
      const { store, tokens } = service(dir);
      const ended: string[] = [];
      tokens.onEnded((name, why) => ended.push(`${name} ${why}`));
      const base = { role: 'client' as const, scope: null, readOnly: false };
      await tokens.create({ ...base, name: 'late', expiresAt: Date.now() + 5_000 });
      await tokens.create({ ...base, name: 'soon', expiresAt: Date.now() + 1_000 });
      await tokens.create({ ...base, name: 'never', expiresAt: null });
      await vi.advanceTimersByTimeAsync(999);
      expect(ended).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(ended).toEqual(['soon expired']);
      // A daemon started later finds 'late' in the store and still ends it on time.
      const reloaded = new TokenService({ tokens: store.tokens, logger: silentLogger, now: Date.now });
      reloaded.onEnded((name, why) => ended.push(`reloaded: ${name} ${why}`));
      await reloaded.load();
      await vi.advanceTimersByTimeAsync(4_000);
      expect(ended).toEqual(['soon expired', 'reloaded: soon expired', 'late expired', 'reloaded: late expired']);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(ended).toHaveLength(4);
      tokens.close();
      reloaded.close();
      store.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("remembers a connection's token only while it is held, unexpired and presented unchanged", async () => {
    const dir = tempDir();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { store, tokens } = service(dir, () => now);
    const ci = (
      await tokens.create({ name: 'ci', role: 'client', scope: null, readOnly: false, expiresAt: now + 60_000 })
    ).token;
    const ops = (await tokens.create({ name: 'ops', role: 'operator', scope: null, readOnly: false, expiresAt: null }))
      .token;
    const socket = {};
    const principalOf = (token: string | undefined) => {
      const result = tokens.authenticate(token, socket);
      return result.ok ? `${result.principal.name}/${result.principal.role}` : result.reason;
    };
    expect(principalOf(ci)).toBe('ci/client');
    expect(principalOf(ci)).toBe('ci/client');
    // Another token, or one character off, on the same connection: each gets its own verdict.
    expect(principalOf(ops)).toBe('ops/operator');
    expect(principalOf(ci)).toBe('ci/client');
    const last = ci.at(-1) === 'A' ? 'B' : 'A';
    expect(principalOf(`${ci.slice(0, -1)}${last}`)).toBe('unknown');
    expect(principalOf(`${ci}x`)).toBe('malformed');
    expect(principalOf(undefined)).toBe('missing');
    expect(principalOf(ci)).toBe('ci/client');
    // A reload replaces every entry: still valid, checked afresh.
    await tokens.load();
    expect(principalOf(ci)).toBe('ci/client');
    // Expiry holds on a connection that presented the token before it expired.
    now += 60_000;
    expect(principalOf(ci)).toBe('expired');
    expect(principalOf(ops)).toBe('ops/operator');
    // Revocation takes effect at the connection's very next request.
    expect(await tokens.revoke('ops')).toBe(true);
    expect(principalOf(ops)).toBe('unknown');
    expect(tokens.authenticate(ops, {})).toEqual({ ok: false, reason: 'unknown' });
    store.close();
  });
});
