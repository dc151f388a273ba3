import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_FLAG } from '../../../src/core/daemonHeap.js';

/** Size of the young generation, in MB, of a fresh node that allocates like a busy daemon. */
function youngGenerationMbAfterLoad(flag: string | null): number {
  const script = `
    const v8 = require('node:v8');
    ${flag === null ? '' : `v8.setFlagsFromString(${JSON.stringify(flag)});`}
    const kept = [];
    for (let round = 0; round < 100; round++) {
      const batch = [];
      for (let i = 0; i < 20000; i++) batch.push({ i, text: 'x' + i });
      kept.push(batch);
      if (kept.length > 3) kept.shift();
    }
    const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    process.stdout.write(String(young.space_size / 1048576));
  `;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

describe('capYoungGeneration', () => {
  it('keeps the young generation at its initial 2 MB when set at run time, where V8 would grow it', () => {
    expect(youngGenerationMbAfterLoad(null)).toBeGreaterThan(4);
    expect(youngGenerationMbAfterLoad(YOUNG_GENERATION_FLAG)).toBeLessThanOrEqual(2);
  });
});
