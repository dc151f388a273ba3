import { McpctlError } from '../shared/errors.js';
import { isRequest, isResponse, type JsonRpcMessage, type JsonRpcResponse } from './jsonrpc.js';

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Our own request ids carry this prefix so they never collide with ids the gateway forwards. */
const OWN_ID_PREFIX = 'mcpctl-';

/**
 * The daemon's own requests (initialize, ping) on a connection it shares with
 * gateway sessions: answers to them are settled here, pings from the server are
 * answered here, and every other message goes to `deliver`.
 */
export class RpcPeer {
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private closedReason: string | undefined;

  constructor(
    private readonly write: (message: JsonRpcMessage) => void,
    private readonly deliver: (message: JsonRpcMessage) => void,
  ) {}

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  request(
    method: string,
    params: Record<string, unknown> | undefined,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new McpctlError('SERVER_FAILED', `cannot send ${method}: ${this.closedReason}`));
    }
    const id = `${OWN_ID_PREFIX}${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.write({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'timeout' } });
        reject(new McpctlError('TIMEOUT', `the server did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      this.write(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    });
  }

  receive(message: JsonRpcMessage): void {
    if (isResponse(message) && this.settleOwn(message)) return;
    if (isRequest(message) && message.method === 'ping') {
      // Servers may ping their client; answer for every session at once.
      this.write({ jsonrpc: '2.0', id: message.id, result: {} });
      return;
    }
    this.deliver(message);
  }

  close(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new McpctlError('SERVER_FAILED', reason));
      this.pending.delete(id);
    }
  }

  private settleOwn(response: JsonRpcResponse): boolean {
    const id = response.id;
    if (typeof id !== 'string' || !id.startsWith(OWN_ID_PREFIX)) return false;
    const pending = this.pending.get(id);
    if (!pending) return true; // a late answer to a request that timed out
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if ('result' in response) pending.resolve(response.result);
    else {
      const { code, message } = response.error;
      pending.reject(new McpctlError('SERVER_FAILED', `the server answered with error ${code}: ${message}`));
    }
    return true;
  }
}
