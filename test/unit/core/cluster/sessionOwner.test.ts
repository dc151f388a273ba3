import { describe, expect, it } from 'vitest';
import { ownerNamedIn } from '../../../../src/core/cluster/sessionForwarding.js';
import { isWellFormedSessionId } from '../../../../src/daemon/gateway/sessionIds.js';

describe('a session id naming its owner node', () => {
  it('reads the node after the last ~, only when it is a valid node name', () => {
    expect(ownerNamedIn('0b6c2d6e-6f3a-4a49-9d1e-1f2a3b4c5d6e~n1')).toBe('n1');
    expect(ownerNamedIn('a~b~node-a.example_1')).toBe('node-a.example_1');
    expect(ownerNamedIn('0b6c2d6e-6f3a-4a49-9d1e-1f2a3b4c5d6e')).toBeUndefined();
    expect(ownerNamedIn('abc~')).toBeUndefined();
    expect(ownerNamedIn('abc~-bad')).toBeUndefined();
  });

  it('stays in the spec alphabet for the longest node name', () => {
    expect(isWellFormedSessionId(`0b6c2d6e-6f3a-4a49-9d1e-1f2a3b4c5d6e~${'n'.repeat(63)}`)).toBe(true);
  });
});
