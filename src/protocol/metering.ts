import type { JsonRpcId, JsonRpcMessage } from './jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from './session.js';

/**
 * The seam between session traffic and whatever counts it (core/metrics). A metered backend
 * sees every message of its sessions; what it asks of the sinks is pre-resolved per server,
 * tool and method, so the hot path is a map lookup and a few additions per message.
 */

/** How a tools/call ended: a result, a result with `isError: true`, or a JSON-RPC error. */
export type CallOutcome = 'ok' | 'tool_error' | 'rpc_error';

/** One tool's sink, resolved once per tool name (the meter folds names past its cap into one). */
export interface ToolSink {
  called(outcome: CallOutcome, seconds: number): void;
}

export interface ServerSink {
  tool(name: string): ToolSink;
}

/** One gateway target's message counters, by method (unknown ones folded by the sink). */
export interface MessageSink {
  received(message: JsonRpcMessage): void;
  sent(message: JsonRpcMessage): void;
}

export interface MeterOptions {
  /** Tool calls of the sessions are counted here (a server; a profile's calls are counted by its members). */
  calls?: ServerSink;
  /** Messages between the gateway's clients and this target. */
  messages?: MessageSink;
}

interface OpenCall {
  sink: ToolSink;
  started: number;
}

/** Wraps a backend so that its sessions report to `options`; the sessions themselves are untouched. */
export function meteredBackend(backend: SessionBackend, options: MeterOptions): SessionBackend {
  const { calls, messages } = options;
  return {
    open(sessionId: string, output: SessionOutput): BackendSession {
      // Keyed by the client's request id: its answer carries the same id back.
      const open = new Map<JsonRpcId, OpenCall>();
      const meteredOutput: SessionOutput = {
        deliver(message, relatedRequestId) {
          const id = open.size > 0 && !('method' in message) ? message.id : null;
          const call = id === null ? undefined : open.get(id);
          if (call === undefined) {
            output.deliver(message, relatedRequestId);
            messages?.sent(message);
            return;
          }
          open.delete(id as JsonRpcId);
          const seconds = (performance.now() - call.started) / 1000;
          // The answer goes out first: counting it is not on the client's wait.
          try {
            output.deliver(message, relatedRequestId);
          } finally {
            messages?.sent(message);
            call.sink.called(outcomeOf(message), seconds);
          }
        },
        close: (reason) => output.close(reason),
      };
      const session = backend.open(sessionId, meteredOutput);
      return {
        id: session.id,
        receive(message) {
          messages?.received(message);
          if (calls !== undefined && 'id' in message && 'method' in message && message.method === 'tools/call') {
            const name = message.params?.name;
            if (typeof name === 'string') open.set(message.id, { sink: calls.tool(name), started: performance.now() });
          }
          session.receive(message);
        },
        close() {
          open.clear();
          session.close();
        },
      };
    },
  };
}

function outcomeOf(message: JsonRpcMessage): CallOutcome {
  if ('error' in message) return 'rpc_error';
  return 'result' in message && message.result.isError === true ? 'tool_error' : 'ok';
}
