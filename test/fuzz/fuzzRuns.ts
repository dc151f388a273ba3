import type * as fc from 'fast-check';

/**
 * fast-check parameters for one property. The default count keeps CI fast; a long session sets
 * MCPCTL_FUZZ_RUNS (runs per property). A failure prints its seed and path: MCPCTL_FUZZ_SEED and
 * MCPCTL_FUZZ_PATH replay exactly that run.
 */
export function fuzzParameters<T>(defaultRuns: number): fc.Parameters<T> {
  const env = process.env;
  const runs = env.MCPCTL_FUZZ_RUNS === undefined ? defaultRuns : Number(env.MCPCTL_FUZZ_RUNS);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`MCPCTL_FUZZ_RUNS must be a positive integer, not ${runs}`);
  const parameters: fc.Parameters<T> = {
    numRuns: runs,
    // A run that hangs is a finding too: it fails (and shrinks) instead of stalling the suite.
    timeout: 10_000,
  };
  if (env.MCPCTL_FUZZ_SEED !== undefined) parameters.seed = Number(env.MCPCTL_FUZZ_SEED);
  if (env.MCPCTL_FUZZ_PATH !== undefined) parameters.path = env.MCPCTL_FUZZ_PATH;
  return parameters;
}

/** A vitest timeout that fits the run count: the default budget, or an hour for a long session. */
export function fuzzTimeout(defaultMs: number): number {
  return process.env.MCPCTL_FUZZ_RUNS === undefined ? defaultMs : 3_600_000;
}
