import { type McpctlError, toMcpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { renderError } from '../../output/errors.js';
import { ReportedFailure } from '../../reported.js';

/**
 * Runs `work` for each name in turn. One failure does not stop the rest (like `kubectl delete a b`):
 * with one name its error propagates as is; with several, each is reported on stderr and the exit
 * code is that of the first failure.
 */
export async function eachTarget<T>(
  inv: Invocation,
  names: readonly string[],
  work: (name: string) => Promise<T>,
): Promise<T[]> {
  const [only] = names;
  if (names.length === 1 && only !== undefined) return [await work(only)];
  const results: T[] = [];
  let firstFailure: McpctlError | undefined;
  for (const name of names) {
    try {
      results.push(await work(name));
    } catch (error) {
      const failure = toMcpctlError(error);
      firstFailure ??= failure;
      inv.ctx.stderr.write(renderError(failure, { json: inv.out.format === 'json', palette: inv.out.errColor }));
    }
  }
  if (firstFailure) throw new ReportedFailure(firstFailure.exitCode);
  return results;
}
