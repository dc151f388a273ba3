import { EventEmitter } from 'node:events';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import {
  errorResponse,
  isRequest,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcRequest,
  RPC_ERROR,
} from '../../../../../src/protocol/jsonrpc.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../../../../../src/protocol/session.js';

export const ECHO_TOOLS = [
  {
    name: 'echo',
    description: 'echoes message',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } } },
  },
  { name: 'progress', description: 'reports progress, then answers', inputSchema: { type: 'object' } },
  { name: 'gated', description: 'answers when the test says so', inputSchema: { type: 'object' } },
];

/**
 * A real SessionBackend for gateway tests: answers initialize, ping, tools/list and
 * tools/call (echo, progress, gated) per session, and lets a test push unsolicited
 * notifications or close a session from the backend side. Events: 'open' (session),
 * 'gated' (session, request), 'closed' (session).
 */
export class EchoBackend extends EventEmitter implements SessionBackend {
  readonly sessions = new Map<string, EchoSession>();

  open(sessionId: string, output: SessionOutput): BackendSession {
    const session = new EchoSession(sessionId, output, this);
    this.sessions.set(sessionId, session);
    this.emit('open', session);
    return session;
  }

  session(id: string): EchoSession {
    const session = this.sessions.get(id);
    if (session === undefined) throw new Error(`no backend session ${id}`);
    return session;
  }
}

export class EchoSession implements BackendSession {
  readonly received: JsonRpcMessage[] = [];
  closed = false;
  /** Requests of the 'gated' tool, waiting for the test. */
  readonly gated = new Map<JsonRpcId, JsonRpcRequest>();

  constructor(
    readonly id: string,
    readonly output: SessionOutput,
    private readonly backend: EchoBackend,
  ) {}

  receive(message: JsonRpcMessage): void {
    this.received.push(message);
    if (!isRequest(message)) return;
    const params = message.params ?? {};
    switch (message.method) {
      case 'initialize':
        this.initialize(message);
        return;
      case 'ping':
        this.respond(message.id, {});
        return;
      case 'tools/list':
        this.respond(message.id, { tools: ECHO_TOOLS });
        return;
      case 'tools/call':
        this.call(message, params);
        return;
      case 'explode':
        throw new Error('backend exploded');
      default:
        this.output.deliver(
          errorResponse(message.id, RPC_ERROR.methodNotFound, `no method ${message.method}`),
          message.id,
        );
    }
  }

  close(): void {
    this.closed = true;
    this.backend.emit('closed', this);
  }

  notify(method: string, params: Record<string, unknown> = {}): void {
    this.output.deliver({ jsonrpc: '2.0', method, params });
  }

  /** Progress for a gated call, on that call's stream. */
  progress(requestId: JsonRpcId, progress: number): void {
    const request = this.gated.get(requestId);
    const token = (request?.params?._meta as { progressToken?: unknown } | undefined)?.progressToken ?? requestId;
    this.output.deliver(
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress, total: 10 } },
      requestId,
    );
  }

  release(requestId: JsonRpcId, text: string): void {
    this.gated.delete(requestId);
    this.respond(requestId, { content: [{ type: 'text', text }] });
  }

  private initialize(message: JsonRpcRequest): void {
    const requested = message.params?.protocolVersion;
    if (requested === 'refuse') {
      this.output.deliver(errorResponse(message.id, RPC_ERROR.invalidParams, 'refused'), message.id);
      return;
    }
    const protocolVersion =
      typeof requested === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(requested)
        ? requested
        : LATEST_PROTOCOL_VERSION;
    this.respond(message.id, {
      protocolVersion,
      capabilities: { tools: { listChanged: true } },
      serverInfo: { name: 'echo-backend', version: '1.0.0' },
    });
  }

  private call(message: JsonRpcRequest, params: Record<string, unknown>): void {
    const args = (params.arguments ?? {}) as Record<string, unknown>;
    switch (params.name) {
      case 'echo':
        this.respond(message.id, { content: [{ type: 'text', text: `echo: ${String(args.message)}` }] });
        return;
      case 'progress': {
        const token = (params._meta as { progressToken?: unknown } | undefined)?.progressToken;
        const steps = typeof args.steps === 'number' ? args.steps : 3;
        // One step per macrotask, as a real upstream's lines arrive: the SDK client handles
        // notifications a microtask late, so a burst in one chunk would race the response.
        const step = (n: number): void => {
          if (this.closed) return;
          if (n > steps || token === undefined) {
            this.respond(message.id, { content: [{ type: 'text', text: `done after ${steps} steps` }] });
            return;
          }
          this.output.deliver(
            {
              jsonrpc: '2.0',
              method: 'notifications/progress',
              params: { progressToken: token, progress: n, total: steps },
            },
            message.id,
          );
          setImmediate(() => step(n + 1));
        };
        step(1);
        return;
      }
      case 'gated':
        this.gated.set(message.id, message);
        this.backend.emit('gated', this, message);
        return;
      default:
        this.respond(message.id, {
          content: [{ type: 'text', text: `unknown tool ${String(params.name)}` }],
          isError: true,
        });
    }
  }

  private respond(id: JsonRpcId, result: Record<string, unknown>): void {
    this.output.deliver({ jsonrpc: '2.0', id, result }, id);
  }
}
