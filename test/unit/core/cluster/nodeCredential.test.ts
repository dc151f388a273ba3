import { describe, expect, it } from 'vitest';
import { FORWARDED_FOR, NodeCredential } from '../../../../src/core/cluster/nodeCredential.js';
import type { CallContext } from '../../../../src/shared/principal.js';

const KEY = Buffer.alloc(32, 7);
const CALL: CallContext = {
  principal: { kind: 'token', name: 'alice', role: 'client', scope: { servers: ['memory'], profiles: [] } },
  address: '10.0.0.9',
};

describe('NodeCredential', () => {
  it('a forwarded request verifies on another node of the same key, with the asserted caller and the forwarder', () => {
    const headers = new NodeCredential(KEY, 'node-b').headers(CALL);
    expect(headers.authorization).toMatch(/^Bearer mcpctl-node_/);
    // Derived, not the key itself: nothing of the master key crosses the wire.
    expect(headers.authorization).not.toContain(KEY.toString('base64url'));
    expect(new NodeCredential(KEY, 'node-a').verify(headers)).toEqual({ ...CALL, via: 'node-b' });
  });

  it("refuses another cluster's key, a tampered assertion or forwarder, and ignores a client's own token", () => {
    const headers = new NodeCredential(KEY, 'node-b').headers(CALL);
    const owner = new NodeCredential(KEY, 'node-a');
    expect(new NodeCredential(Buffer.alloc(32, 8), 'node-a').verify(headers)).toBe('refused');
    const other = new NodeCredential(KEY, 'node-b').headers({
      ...CALL,
      principal: { ...CALL.principal, role: 'admin' },
    });
    expect(owner.verify({ ...headers, [FORWARDED_FOR]: other[FORWARDED_FOR] })).toBe('refused');
    expect(owner.verify({ ...headers, 'mcpctl-forwarded-by': 'node-c' })).toBe('refused');
    expect(owner.verify({ ...headers, authorization: 'Bearer mcpctl-node_forged' })).toBe('refused');
    expect(
      owner.verify({ authorization: 'Bearer mcpctl_abc', [FORWARDED_FOR]: headers[FORWARDED_FOR] }),
    ).toBeUndefined();
    expect(owner.verify({})).toBeUndefined();
  });
});
