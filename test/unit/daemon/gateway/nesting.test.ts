import { describe, expect, it } from 'vitest';
import { frameBody, MAX_NESTING } from '../../../../src/daemon/gateway/framing.js';
import { nestsDeeperThan } from '../../../../src/protocol/nesting.js';

const deep = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const nests = (text: string, limit: number): boolean => nestsDeeperThan(Buffer.from(text), limit);

describe('the nesting limit of gateway bodies', () => {
  it('counts arrays and objects, not brackets inside strings or after escaped quotes', () => {
    expect(nests(deep(3), 3)).toBe(false);
    expect(nests(deep(4), 3)).toBe(true);
    expect(nests('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(nests('{"a":{"b":[[1]]}}', 3)).toBe(true);
    expect(nests(`{"s":"${'['.repeat(10)}"}`, 1)).toBe(false);
    expect(nests(`{"s":"\\"${'{'.repeat(10)}"}`, 1)).toBe(false);
    expect(nests(`[{"s":"\\\\"},[[1]]]`, 2)).toBe(true);
  });

  it('reads a string (an upstream line) as it reads a body', () => {
    expect(nestsDeeperThan(`{"a":${deep(5)}}`, 5)).toBe(true);
    expect(nestsDeeperThan(`{"a":"${'['.repeat(50)}"}`, 5)).toBe(false);
  });

  it('frames a message at the limit and refuses one level more as an invalid request', () => {
    const message = (levels: number) =>
      Buffer.from(`{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":${deep(levels - 2)}}}`);
    expect(frameBody(message(MAX_NESTING), false, '2025-11-25')).toMatchObject({ ok: true });
    expect(frameBody(message(MAX_NESTING + 1), false, '2025-11-25')).toMatchObject({
      ok: false,
      status: 400,
      error: { error: { code: -32600 } },
    });
  });
});
