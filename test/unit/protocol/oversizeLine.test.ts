import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type OversizeLine, splitLines } from '../../../src/protocol/lineSplitter.js';
import { classifyOversize } from '../../../src/protocol/oversizeLine.js';

const HUGE = 'x'.repeat(10_000);

/** What the splitter keeps of `line` under a 1 KiB cap, fed in small chunks as a pipe would. */
function dropped(line: string): OversizeLine {
  const input = new PassThrough();
  const seen: OversizeLine[] = [];
  splitLines(input, 1024, { line: () => {}, oversize: (kept) => seen.push(kept) });
  const bytes = Buffer.from(`${line}\n`);
  for (let at = 0; at < bytes.length; at += 700) input.write(bytes.subarray(at, at + 700));
  expect(seen).toHaveLength(1);
  return seen[0] as OversizeLine;
}

describe('a stdout line over the cap', () => {
  it('keeps its size, head and tail, whether it spans chunks or comes in one', () => {
    const line = `{"head":1,"pad":"${HUGE}","tail":2}`;
    const kept = dropped(line);
    expect(kept.bytes).toBe(line.length);
    expect(kept.head.startsWith('{"head":1')).toBe(true);
    expect(kept.tail.endsWith('"tail":2}')).toBe(true);

    const input = new PassThrough();
    const seen: number[] = [];
    const lines: string[] = [];
    splitLines(input, 1024, { line: (text) => lines.push(text), oversize: (k) => seen.push(k.bytes) });
    input.write(`${line}\n{"small":true}\n`);
    expect(seen).toEqual([line.length]);
    expect(lines).toEqual(['{"small":true}']);
  });

  it.each([
    [
      'an answer with its id last (the SDK)',
      `{"result":{"t":"${HUGE}"},"jsonrpc":"2.0","id":7}`,
      { kind: 'answer', id: 7 },
    ],
    [
      'an answer with its id first',
      `{"jsonrpc":"2.0","id":"a-1","result":{"t":"${HUGE}"}}`,
      { kind: 'answer', id: 'a-1' },
    ],
    ['an error answer', `{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"${HUGE}"}}`, { kind: 'answer', id: 3 }],
    [
      'an id nested in the result, not the answer’s',
      `{"result":{"t":"${HUGE}","inner":{"id":9}},"jsonrpc":"2.0"}`,
      { kind: 'lost' },
    ],
    ['an escaped "id" inside a string', `{"result":{"t":"${HUGE},\\"id\\":5"}}`, { kind: 'lost' }],
    [
      'a server request',
      `{"method":"sampling/createMessage","params":{"t":"${HUGE}"},"jsonrpc":"2.0","id":4}`,
      { kind: 'request', id: 4 },
    ],
    [
      'a notification',
      `{"method":"notifications/message","params":{"data":"${HUGE}"},"jsonrpc":"2.0"}`,
      { kind: 'notification' },
    ],
    ['noise', `log: ${HUGE}`, { kind: 'noise' }],
  ])('tells %s', (_, line, expected) => {
    expect(classifyOversize(dropped(line))).toEqual(expected);
  });
});
