import { errorResponse, isRequest, type JsonRpcMessage, RPC_ERROR } from '../../protocol/jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../../protocol/session.js';

/**
 * Serves a known server that has no live upstream (stopped, failed, never started):
 * every request gets an error that says why and what to do, so no client hangs.
 */
export function unavailableBackend(describe: () => string): SessionBackend {
  return {
    open(sessionId: string, output: SessionOutput): BackendSession {
      return {
        id: sessionId,
        receive(message: JsonRpcMessage) {
          if (isRequest(message))
            output.deliver(errorResponse(message.id, RPC_ERROR.connectionClosed, describe()), message.id);
        },
        close() {},
      };
    },
  };
}
