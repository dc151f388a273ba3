import { SESSION_KILLED, type SessionEndData } from '../../protocol/sessionEnd.js';
import type { Store } from '../../store/types.js';
import { KILL_REASON } from './gatewayHandlers.js';
import type { SessionRecorder } from './sessionRecorder.js';

/**
 * The gateway's question for a session id it does not hold: was it killed? Answered from
 * the history, so a bridge whose session was killed learns it even after a daemon restart,
 * and after the close being written (a kill's 404 may race its own record).
 */
export function endedSessionLookup(
  store: Store,
  recorder: SessionRecorder,
): (id: string) => Promise<SessionEndData | undefined> {
  return async (id) => {
    await recorder.flushed();
    const row = await store.sessions.get(id);
    return row?.closeReason === KILL_REASON ? { reason: SESSION_KILLED } : undefined;
  };
}
