import { describe, expect, it } from 'vitest';
import type { AuditCall, AuditLog } from '../../../../src/core/audit/auditLog.js';
import { auditedBackend } from '../../../../src/core/audit/gatewayAudit.js';
import type { JsonRpcMessage } from '../../../../src/protocol/jsonrpc.js';
import type { SessionBackend, SessionOutput } from '../../../../src/protocol/session.js';
import { LOCAL_CALL } from '../../../../src/shared/principal.js';

/** A backend that holds what it receives; the test answers for it through `output`. */
function heldBackend() {
  const held: { output?: SessionOutput; received: JsonRpcMessage[]; closed: boolean } = { received: [], closed: false };
  const backend: SessionBackend = {
    open(sessionId, output) {
      held.output = output;
      return {
        id: sessionId,
        receive: (message) => held.received.push(message),
        close: () => {
          held.closed = true;
        },
      };
    },
  };
  return { backend, held };
}

function recording(): { audit: AuditLog; calls: AuditCall[] } {
  const calls: AuditCall[] = [];
  return { audit: { record: (_context, call) => calls.push(call), flushed: async () => {} }, calls };
}

const call = (id: number, name: string): JsonRpcMessage => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: { secret: 'canary-value' } },
});

describe('auditedBackend', () => {
  it('records each tools/call once answered (ok, JSON-RPC error, tool error), cancelled or left unanswered', () => {
    const { backend, held } = heldBackend();
    const { audit, calls } = recording();
    const delivered: JsonRpcMessage[] = [];
    const session = auditedBackend(backend, 'everything', audit, () => LOCAL_CALL).open('s1', {
      deliver: (message) => delivered.push(message),
      close: () => {},
    });
    session.receive({ jsonrpc: '2.0', id: 0, method: 'tools/list' });
    for (const [id, name] of [
      [1, 'echo'],
      [2, 'broken'],
      [3, 'failing'],
      [4, 'slow'],
      [5, 'forgotten'],
    ] as const) {
      session.receive(call(id, name));
    }
    held.output?.deliver({ jsonrpc: '2.0', id: 0, result: { tools: [] } });
    held.output?.deliver({ jsonrpc: '2.0', id: 1, result: { content: [] } });
    held.output?.deliver({ jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'bad' } });
    held.output?.deliver({ jsonrpc: '2.0', id: 3, result: { content: [], isError: true } });
    session.receive({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 4 } });
    session.close();
    expect(calls.map((c) => [c.tool, c.error])).toEqual([
      ['echo', null],
      ['broken', '-32602'],
      ['failing', 'tool error'],
      ['slow', 'cancelled'],
      ['forgotten', 'no answer'],
    ]);
    expect(calls.every((c) => c.server === 'everything' && c.session === 's1' && c.method === 'tools/call')).toBe(true);
    expect(JSON.stringify(calls)).not.toContain('canary-value');
    // Everything passes through unchanged.
    expect(held.received).toHaveLength(7);
    expect(delivered).toHaveLength(4);
    expect(held.closed).toBe(true);
  });
});
