import type { ServiceResult } from '../../../core/serviceUnits.js';
import type { Invocation } from '../../invocation.js';
import { quoteArgv } from '../../output/shellQuote.js';

/**
 * `--dry-run` prints the unit itself on stdout (so it can be redirected to a file) and what would be
 * done on stderr; otherwise one line per step taken.
 */
export async function printServiceResult(
  inv: Invocation,
  result: ServiceResult,
  dryRun: boolean,
  verb: 'install' | 'uninstall',
): Promise<void> {
  const { out } = inv;
  if (out.machine) return out.data(result);
  if (dryRun) {
    if (verb === 'install') {
      out.note(`# would write ${result.path}`);
      out.out(result.content);
    } else {
      out.note(`# would remove ${result.path}`);
    }
    for (const command of result.commands) out.note(`# would run: ${quoteArgv(command)}`);
    return;
  }
  out.out(verb === 'install' ? `installed ${result.path}` : `removed ${result.path}`);
  if (result.applied) {
    for (const command of result.commands) out.out(`ran: ${quoteArgv(command)}`);
  } else if (result.commands.length > 0) {
    out.note('to finish, run:');
    for (const command of result.commands) out.note(`  ${quoteArgv(command)}`);
  }
}
