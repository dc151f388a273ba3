import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../src/cli/run.js';
import { captureContext } from '../testContext.js';

describe('mcpctl connect --reconnect-timeout', () => {
  it.each([
    [['connect', 'x', '--reconnect-timeout', 'soon']],
    [['session', 'connect', 'x', '--reconnect-timeout', '0s']],
  ])('%j exits 2 with a hint, before any daemon is contacted', async (argv) => {
    let contacted = false;
    const run = captureContext({
      connect: async () => {
        contacted = true;
        throw new Error('no daemon in this test');
      },
    });
    expect(await runCli(argv, run.ctx)).toBe(2);
    expect(run.stderr()).toContain("Error: invalid --reconnect-timeout '");
    expect(run.stderr()).toContain('Hint:');
    expect(contacted).toBe(false);
  });
});
