import type { JsonRpcMessage, JsonRpcRequest } from '../jsonrpc.js';

/**
 * What a client set up on its session, kept so that a new session (after a daemon or server
 * restart) can be given the same: its initialize request as it sent it, whether it sent
 * `notifications/initialized`, its log level and its resource subscriptions. Noting costs one
 * switch on the method of each client message.
 */
export class BridgeReplay {
  private initializeLine: string | undefined;
  private initializedLine: string | undefined;
  private logLevel: unknown;
  private readonly subscriptions = new Set<string>();
  private nextId = 1;

  note(message: JsonRpcMessage, line: string): void {
    // Any JSON may come on stdin (the gateway answers what is not JSON-RPC): only requests and notifications count.
    if (typeof message !== 'object' || message === null || !('method' in message)) return;
    switch (message.method) {
      case 'initialize':
        this.initializeLine = line;
        return;
      case 'notifications/initialized':
        this.initializedLine = line;
        return;
      case 'logging/setLevel':
        this.logLevel = message.params?.level;
        return;
      case 'resources/subscribe':
        if (typeof message.params?.uri === 'string') this.subscriptions.add(message.params.uri);
        return;
      case 'resources/unsubscribe':
        if (typeof message.params?.uri === 'string') this.subscriptions.delete(message.params.uri);
        return;
    }
  }

  /** The client's initialize, byte for byte; undefined until it sent one. */
  get initialize(): string | undefined {
    return this.initializeLine;
  }

  /** What follows a replayed initialize, in order; requests get ids of the bridge's own. */
  followUps(): string[] {
    const lines: string[] = [];
    if (this.initializedLine !== undefined) lines.push(this.initializedLine);
    if (this.logLevel !== undefined) lines.push(this.request('logging/setLevel', { level: this.logLevel }));
    for (const uri of this.subscriptions) lines.push(this.request('resources/subscribe', { uri }));
    return lines;
  }

  private request(method: string, params: Record<string, unknown>): string {
    const request: JsonRpcRequest = { jsonrpc: '2.0', id: `mcpctl-replay-${this.nextId++}`, method, params };
    return JSON.stringify(request);
  }
}
