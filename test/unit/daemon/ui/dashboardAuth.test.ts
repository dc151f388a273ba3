import { describe, expect, it } from 'vitest';
import { DashboardAuth, LOGIN_CODE_TTL_MS, SESSION_IDLE_MS } from '../../../../src/daemon/ui/dashboardAuth.js';
import { LOCAL_OWNER } from '../../../../src/shared/principal.js';

describe('DashboardAuth', () => {
  it('exchanges a code once, for a session bound to its principal', () => {
    const auth = new DashboardAuth();
    const { code } = auth.createCode(LOCAL_OWNER);
    const first = auth.exchange(code);
    expect(first.ok && first.session.principal).toEqual(LOCAL_OWNER);
    expect(auth.exchange(code)).toEqual({ ok: false, reason: 'unknown' });
    expect(auth.exchange('made-up')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('refuses a code after a minute and forgets a session idle past its bound', () => {
    let now = 1_000_000;
    const auth = new DashboardAuth(() => now);
    const late = auth.createCode(LOCAL_OWNER);
    const fresh = auth.createCode(LOCAL_OWNER);
    now += LOGIN_CODE_TTL_MS;
    expect(auth.exchange(late.code)).toEqual({ ok: false, reason: 'expired' });
    now -= 1;
    const exchanged = auth.exchange(fresh.code);
    if (!exchanged.ok) throw new Error('the fresh code was refused');
    expect(auth.session(exchanged.session.id)).toBe(exchanged.session);
    now += SESSION_IDLE_MS + 1;
    expect(auth.session(exchanged.session.id)).toBeUndefined();
  });

  it("ends a token's session once the token no longer stands (revoked or expired)", () => {
    let live = true;
    const auth = new DashboardAuth(Date.now, (principal) => principal.kind === 'owner' || live);
    const token = auth.open({ kind: 'token', name: 'ann', role: 'viewer' });
    const owner = auth.open(LOCAL_OWNER);
    expect(auth.session(token.id)).toBe(token);
    live = false;
    expect(auth.session(token.id)).toBeUndefined();
    live = true;
    expect(auth.session(token.id)).toBeUndefined();
    expect(auth.session(owner.id)).toBe(owner);
  });

  it("closes every session of one token at once, and only that token's", () => {
    const auth = new DashboardAuth();
    const first = auth.open({ kind: 'token', name: 'ann', role: 'viewer' });
    const second = auth.open({ kind: 'token', name: 'ann', role: 'viewer' });
    const other = auth.open({ kind: 'token', name: 'bob', role: 'viewer' });
    const owner = auth.open({ ...LOCAL_OWNER, name: 'ann' });
    expect(auth.closeSessionsOf('ann').sort()).toEqual([first.id, second.id].sort());
    expect(auth.session(first.id)).toBeUndefined();
    expect(auth.session(second.id)).toBeUndefined();
    expect(auth.session(other.id)).toBe(other);
    expect(auth.session(owner.id)).toBe(owner);
  });
});
