import { describe, expect, it } from 'vitest';
import { admits, levelRank, upstreamLevel } from '../../../../src/protocol/multiplex/logLevels.js';

const rank = (level: string) => levelRank(level) as number;

describe('admits', () => {
  it('lets a session that never set a level see everything', () => {
    expect(admits(undefined, 'debug')).toBe(true);
  });

  it('passes messages at or above the threshold, and unknown levels rather than losing them', () => {
    expect(admits(rank('warning'), 'error')).toBe(true);
    expect(admits(rank('warning'), 'warning')).toBe(true);
    expect(admits(rank('warning'), 'info')).toBe(false);
    expect(admits(rank('warning'), 'verbose')).toBe(true);
  });
});

describe('upstreamLevel', () => {
  it('leaves the server default alone until someone sets a level', () => {
    expect(upstreamLevel([undefined, undefined], undefined)).toBeUndefined();
  });

  it('picks the most verbose level, counting "never set" as debug', () => {
    expect(upstreamLevel([rank('error'), rank('warning')], undefined)).toBe(rank('warning'));
    expect(upstreamLevel([rank('error'), undefined], undefined)).toBe(rank('debug'));
  });

  it('sends nothing when the upstream is already there', () => {
    expect(upstreamLevel([rank('error')], rank('error'))).toBeUndefined();
  });

  it('goes back to debug when the last session that set a level leaves', () => {
    expect(upstreamLevel([undefined], rank('error'))).toBe(rank('debug'));
    expect(upstreamLevel([], rank('error'))).toBe(rank('debug'));
  });
});
