import { describe, expect, it } from 'vitest';
import type { JsonRpcRequest } from '../../../../src/protocol/jsonrpc.js';
import { progressTokenOf, requestIdOfToken, toUpstream } from '../../../../src/protocol/multiplex/progressTokens.js';

describe('progress tokens', () => {
  it('rewrites id and token without touching the client message', () => {
    const request: JsonRpcRequest = {
      jsonrpc: '2.0',
      id: 'c1',
      method: 'tools/call',
      params: { name: 'x', _meta: { progressToken: 5, other: true } },
    };
    const sent = toUpstream(request, 12, true);
    expect(sent).toEqual({
      jsonrpc: '2.0',
      id: 12,
      method: 'tools/call',
      params: { name: 'x', _meta: { progressToken: 'mcpctl-progress-12', other: true } },
    });
    expect(request.params?._meta).toEqual({ progressToken: 5, other: true });
    expect(requestIdOfToken(progressTokenOf(sent.params))).toBe(12);
  });

  it('does not take tokens the server made up for ours', () => {
    expect(requestIdOfToken(12)).toBeUndefined();
    expect(requestIdOfToken('12')).toBeUndefined();
    expect(requestIdOfToken('mcpctl-progress-x')).toBeUndefined();
  });

  it('ignores malformed tokens', () => {
    expect(progressTokenOf({ _meta: { progressToken: { nested: 1 } } })).toBeUndefined();
    expect(progressTokenOf({ _meta: null })).toBeUndefined();
    expect(progressTokenOf(undefined)).toBeUndefined();
  });
});
