import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../../protocol/session.js';
import { unavailableBackend } from './unavailableBackend.js';

/**
 * Serves sessions of a server that is on its way up (the daemon just started, a restart is
 * due): what a client sends is held until `ready` gives the live backend, then replayed to
 * it in order, so a client launched at login together with the daemon simply waits a little.
 * If `ready` rejects, the session goes on as an unavailable one: every held and later request
 * is answered with the failure, so no client hangs.
 */
export function awaitedBackend(ready: Promise<SessionBackend>): SessionBackend {
  return {
    open(sessionId: string, output: SessionOutput): BackendSession {
      let held: JsonRpcMessage[] = [];
      let live: BackendSession | undefined;
      let closed = false;
      const settle = (backend: SessionBackend): void => {
        if (closed) return;
        try {
          live = backend.open(sessionId, output);
        } catch (error) {
          const why = `the server could not open a session: ${(error as Error).message}`;
          live = unavailableBackend(() => why).open(sessionId, output);
        }
        for (const message of held) live.receive(message);
        held = [];
      };
      ready.then(settle, (error: unknown) => settle(unavailableBackend(() => (error as Error).message)));
      return {
        id: sessionId,
        receive(message) {
          if (live !== undefined) live.receive(message);
          else if (!closed) held.push(message);
        },
        close() {
          closed = true;
          held = [];
          live?.close();
        },
      };
    },
  };
}
