import type { JsonRpcId, JsonRpcMessage } from '../../protocol/jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../../protocol/session.js';
import type { CallContext } from '../../shared/principal.js';
import type { AuditLog } from './auditLog.js';

/** A tool name is capped like any name in a row; arguments are never looked at. */
const MAX_TOOL = 200;

interface PendingCall {
  at: number;
  started: number;
  tool: string | null;
}

/** The outcome of a tools/call answer: null (ok), its JSON-RPC error code, or `tool error` (isError). */
function outcomeOf(message: JsonRpcMessage): string | null {
  if ('error' in message) return String(message.error.code);
  if ('result' in message && message.result.isError === true) return 'tool error';
  return null;
}

/**
 * A session backend whose `tools/call`s are recorded in the audit log: the request is noted as
 * it arrives (its id and tool name only) and recorded when its answer goes back, with the
 * outcome and the time it took; one still unanswered when the session ends is `no answer`.
 * The cost off a tools/call is one method comparison per client message and, while calls are
 * pending, one map lookup per message to the client; the row is made after the answer went on.
 */
export function auditedBackend(
  backend: SessionBackend,
  target: string,
  audit: AuditLog,
  contextOf: (sessionId: string) => CallContext,
  now: () => number = Date.now,
): SessionBackend {
  return {
    open(sessionId: string, output: SessionOutput): BackendSession {
      const pending = new Map<JsonRpcId, PendingCall>();
      // Asked at the first record, not here: the gateway registers the session (and who opened
      // it) only once its backend is open.
      let known: CallContext | undefined;
      const context = (): CallContext => {
        known ??= contextOf(sessionId);
        return known;
      };
      const record = (call: PendingCall, error: string | null, ended: number): void => {
        audit.record(context(), {
          at: call.at,
          method: 'tools/call',
          server: target,
          tool: call.tool,
          session: sessionId,
          error,
          durationMs: ended - call.started,
        });
      };
      const finish = (id: JsonRpcId, error: string | null): void => {
        const call = pending.get(id);
        if (call === undefined) return;
        pending.delete(id);
        record(call, error, performance.now());
      };
      const abandonAll = (why: string): void => {
        for (const id of [...pending.keys()]) finish(id, why);
      };
      const session = backend.open(sessionId, {
        deliver(message, relatedRequestId) {
          const call =
            pending.size > 0 && 'id' in message && message.id !== null && !('method' in message)
              ? pending.get(message.id)
              : undefined;
          if (call === undefined) {
            output.deliver(message, relatedRequestId);
            return;
          }
          pending.delete((message as { id: JsonRpcId }).id);
          const ended = performance.now();
          // The answer goes out first: writing the row is not on the client's wait.
          try {
            output.deliver(message, relatedRequestId);
          } finally {
            record(call, outcomeOf(message), ended);
          }
        },
        close(reason) {
          abandonAll('no answer');
          output.close(reason);
        },
      });
      return {
        id: session.id,
        receive(message) {
          if ('method' in message) {
            if (message.method === 'tools/call' && 'id' in message) {
              const name = message.params?.name;
              pending.set(message.id, {
                at: now(),
                started: performance.now(),
                tool: typeof name === 'string' ? name.slice(0, MAX_TOOL) : null,
              });
            } else if (message.method === 'notifications/cancelled' && pending.size > 0) {
              const id = message.params?.requestId;
              if (typeof id === 'string' || typeof id === 'number') finish(id, 'cancelled');
            }
          }
          session.receive(message);
        },
        close() {
          abandonAll('no answer');
          session.close();
        },
      };
    },
  };
}
