import { describe, expect, it } from 'vitest';
import { routeCallJsonFlag } from '../../../../../src/cli/commands/inspect/callJsonFlag.js';
import { createProgressLine } from '../../../../../src/cli/output/progressLine.js';

describe('routeCallJsonFlag', () => {
  it.each([
    [
      ['call', 's', 't', '--json', '{"a":1}'],
      ['call', 's', 't', '--arguments-json', '{"a":1}'],
    ],
    [
      ['call', 's', 't', '--json', '-'],
      ['call', 's', 't', '--arguments-json', '-'],
    ],
    [
      ['call', 's', 't', '--json=@f.json'],
      ['call', 's', 't', '--arguments-json=@f.json'],
    ],
    [
      ['-o', 'yaml', 'call', 's', 't', '--json', '@f'],
      ['-o', 'yaml', 'call', 's', 't', '--arguments-json', '@f'],
    ],
    // A bare --json is the root's: -o json.
    [
      ['call', 's', 't', '--json'],
      ['call', 's', 't', '--json'],
    ],
    [
      ['call', 's', 't', '--json', '--timeout', '5s'],
      ['call', 's', 't', '--json', '--timeout', '5s'],
    ],
    // Other verbs keep it.
    [
      ['ls', '--json', 'x'],
      ['ls', '--json', 'x'],
    ],
    [
      ['server', 'show', 'call', '--json'],
      ['server', 'show', 'call', '--json'],
    ],
  ])('%j → %j', (argv, expected) => {
    expect(routeCallJsonFlag(argv)).toEqual(expected);
  });
});

describe('createProgressLine', () => {
  it('redraws one line on a terminal and erases it before the result', () => {
    let written = '';
    const line = createProgressLine({ write: (text) => (written += text) }, true);
    line.update({ progress: 1, total: 4, message: 'step 1' });
    line.update({ progress: 2 });
    line.clear();
    expect(written).toBe('\r\x1b[Kprogress 1/4 (25%) step 1\r\x1b[Kprogress 2\r\x1b[K');
  });

  it('writes nothing when stderr is not a terminal', () => {
    let written = '';
    const line = createProgressLine({ write: (text) => (written += text) }, false);
    line.update({ progress: 1, total: 2 });
    line.clear();
    expect(written).toBe('');
  });
});
