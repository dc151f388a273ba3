import { type JsonRpcId, type JsonRpcMessage, RPC_ERROR } from '../../protocol/jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../../protocol/session.js';

/**
 * A `--read-only` client token's view of a backend: `tools/list` answers keep only tools
 * annotated `readOnlyHint: true`, and a `tools/call` of any other tool (or of one never
 * listed) is refused with a JSON-RPC error without reaching the server.
 */
export function readOnlyBackend(backend: SessionBackend): SessionBackend {
  return {
    open(sessionId: string, output: SessionOutput): BackendSession {
      const listing = new Set<string>();
      const readOnly = new Set<string>();
      const filtered: SessionOutput = {
        deliver(message, relatedRequestId) {
          const key = idKey(message);
          if (key !== undefined && listing.delete(key) && 'result' in message) {
            output.deliver(withReadOnlyTools(message, readOnly), relatedRequestId);
            return;
          }
          output.deliver(message, relatedRequestId);
        },
        close: (reason) => output.close(reason),
      };
      const session = backend.open(sessionId, filtered);
      return {
        id: session.id,
        receive(message) {
          if ('method' in message && 'id' in message && message.id !== undefined) {
            if (message.method === 'tools/list') listing.add(JSON.stringify(message.id));
            if (message.method === 'tools/call') {
              const name = (message.params as { name?: unknown } | undefined)?.name;
              if (typeof name !== 'string' || !readOnly.has(name)) {
                output.deliver(refusal(message.id, name), message.id);
                return;
              }
            }
          }
          session.receive(message);
        },
        close: () => session.close(),
      };
    },
  };
}

function idKey(message: JsonRpcMessage): string | undefined {
  return 'id' in message && message.id !== undefined && message.id !== null ? JSON.stringify(message.id) : undefined;
}

function withReadOnlyTools(message: JsonRpcMessage, readOnly: Set<string>): JsonRpcMessage {
  const result = (message as { result?: { tools?: unknown } }).result;
  if (result === undefined || !Array.isArray(result.tools)) return message;
  const tools = result.tools.filter((tool: unknown) => {
    const { name, annotations } = (tool ?? {}) as { name?: unknown; annotations?: { readOnlyHint?: unknown } };
    const keep = typeof name === 'string' && annotations?.readOnlyHint === true;
    if (keep) readOnly.add(name);
    return keep;
  });
  return { ...message, result: { ...result, tools } } as JsonRpcMessage;
}

function refusal(id: JsonRpcId, name: unknown): JsonRpcMessage {
  const what = typeof name === 'string' ? `'${name}'` : 'this tool';
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: RPC_ERROR.invalidParams,
      message: `Tool ${what} is not available to a read-only token (only tools annotated readOnlyHint are)`,
    },
  };
}
