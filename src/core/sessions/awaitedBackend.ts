import { errorResponse, isRequest, type JsonRpcMessage, RPC_ERROR } from '../../protocol/jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../../protocol/session.js';

/**
 * Serves sessions of a server that is on its way up (the daemon just started, a restart is
 * due): what a client sends is held until `ready` gives the live backend, then replayed to
 * it in order, so a client launched at login together with the daemon simply waits a little.
 * If `ready` rejects, every held and later request is answered with its message: no client hangs.
 */
export function awaitedBackend(ready: Promise<SessionBackend>): SessionBackend {
  return {
    open(sessionId: string, output: SessionOutput): BackendSession {
      let held: JsonRpcMessage[] | undefined = [];
      let live: BackendSession | undefined;
      let failure: string | undefined;
      let closed = false;
      const refuse = (message: JsonRpcMessage): void => {
        if (isRequest(message)) {
          output.deliver(errorResponse(message.id, RPC_ERROR.connectionClosed, failure as string), message.id);
        }
      };
      ready.then(
        (backend) => {
          if (closed) return;
          const waiting = held ?? [];
          held = undefined;
          try {
            live = backend.open(sessionId, output);
          } catch (error) {
            failure = `the server could not open a session: ${(error as Error).message}`;
            for (const message of waiting) refuse(message);
            return;
          }
          for (const message of waiting) live.receive(message);
        },
        (error: unknown) => {
          failure = (error as Error).message;
          const waiting = held ?? [];
          held = undefined;
          if (!closed) for (const message of waiting) refuse(message);
        },
      );
      return {
        id: sessionId,
        receive(message) {
          if (live !== undefined) live.receive(message);
          else if (held !== undefined) held.push(message);
          else refuse(message);
        },
        close() {
          closed = true;
          held = undefined;
          live?.close();
        },
      };
    },
  };
}
