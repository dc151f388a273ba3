import { withBackoff } from './backoff.js';
import { reconnectTimedOut } from './bridgeErrors.js';
import { type ReopenContext, reopenSession } from './reopen.js';

/** Quick while the daemon restarts (it takes a few hundred ms), never more than a second apart. */
const BACKOFF = { initialDelayMs: 100, maxDelayMs: 1000 };

/**
 * Gets the bridge a working session again, retrying with backoff until `timeoutMs`; rejects with
 * the McpctlError that ends the bridge (killed, server removed, time up), or the signal's reason.
 */
export function reconnect(
  context: ReopenContext,
  options: { timeoutMs: number; delayFirst: boolean; signal: AbortSignal },
): Promise<void> {
  return withBackoff((deadline) => reopenSession(context, deadline), {
    ...BACKOFF,
    ...options,
    timedOut: (last) => reconnectTimedOut(context, options.timeoutMs, last),
  });
}
