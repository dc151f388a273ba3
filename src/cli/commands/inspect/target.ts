import type { InspectorSession, InspectTarget } from '../../../core/inspect/session.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { ReportedFailure } from '../../reported.js';

/** As a shell reports a command ended by SIGINT. */
const EXIT_INTERRUPTED = 130;

export interface TargetFlags {
  profile?: string;
}

function usage(message: string, verb: string, usageLine: string): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', message, { hint: `usage: mcpctl ${verb} ${usageLine}` });
}

/**
 * `SERVER REST...` or `--profile P REST...`: the target and the words after it, of which the
 * first `required` must be there (`call SERVER TOOL`: one, the tool).
 */
export function splitTarget(
  verb: string,
  words: readonly string[],
  flags: TargetFlags,
  required: readonly string[],
): { target: InspectTarget; rest: string[] } {
  const usageLine = `SERVER ${required.join(' ')} (or: --profile P ${required.join(' ')})`.replace(/ +/g, ' ');
  let target: InspectTarget;
  let rest: string[];
  if (flags.profile !== undefined) {
    target = { kind: 'profile', name: flags.profile };
    rest = [...words];
  } else {
    const [server, ...after] = words;
    if (server === undefined) throw usage(`name a server (or pass --profile NAME)`, verb, usageLine);
    target = { kind: 'server', name: server };
    rest = after;
  }
  const missing = required.slice(rest.length);
  if (missing.length > 0) throw usage(`missing ${missing.join(' and ')}`, verb, usageLine);
  return { target, rest };
}

/**
 * Opens a session through the gateway, runs `work` (a failed request said as an mcpctl error
 * naming `what`), and always ends the session.
 */
export async function withSession<T>(
  inv: Invocation,
  target: InspectTarget,
  what: string,
  work: (session: InspectorSession) => Promise<T>,
): Promise<T> {
  const api = await inv.api();
  const { openSession, requestFailure } = await import('../../../core/inspect/session.js');
  const session = await openSession(api, target, inv.ctx.version);
  try {
    return await work(session);
  } catch (error) {
    // Ctrl-C: the SDK has sent notifications/cancelled for the request; the session still ends below.
    if (inv.ctx.signal.aborted) {
      inv.out.note(`mcpctl: interrupted: ${what} was cancelled`);
      throw new ReportedFailure(EXIT_INTERRUPTED);
    }
    throw requestFailure(error, target, what);
  } finally {
    await session.close();
  }
}
