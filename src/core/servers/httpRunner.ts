import type { UpstreamIdentity } from '../../protocol/handshake.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import { McpctlError } from '../../shared/errors.js';
import type { HttpServerSpec } from './definition.js';
import type { EndInfo, Runner, SharedChannel } from './runner.js';

type HttpConnection = import('../../protocol/httpConnection.js').HttpConnection;

/**
 * An http server is not ours to spawn: "running" means it answered initialize
 * on a session of ours, and health is MCP ping on it, as for stdio servers. The
 * same session carries the gateway's shared traffic to it.
 */
export class HttpRunner implements Runner, SharedChannel {
  readonly pid = null;
  readonly pidStartTime = null;
  readonly ended: Promise<EndInfo>;
  identity: UpstreamIdentity | undefined;
  onUpstreamMessage: (message: JsonRpcMessage) => void = () => {};
  private connection: HttpConnection | undefined;
  private end: (info: EndInfo) => void = () => {};

  constructor(
    private readonly spec: HttpServerSpec,
    private readonly clientInfo: { name: string; version: string },
    private readonly capabilities: Record<string, unknown>,
  ) {
    this.ended = new Promise((resolve) => {
      this.end = resolve;
    });
  }

  get channel(): SharedChannel {
    return this;
  }

  send(message: JsonRpcMessage): void {
    this.connection?.send(message);
  }

  async ready(timeoutMs: number): Promise<void> {
    // The SDK transport is heavy: load it only when an http server is in use.
    const [{ HttpConnection }, { initializeUpstream }] = await Promise.all([
      import('../../protocol/httpConnection.js'),
      import('../../protocol/handshake.js'),
    ]);
    const connection = new HttpConnection({
      url: this.spec.url,
      headers: this.spec.headers,
      onMessage: (message) => this.onUpstreamMessage(message),
      onClose: (reason) => this.end({ exitCode: null, signal: null, reason }),
    });
    this.connection = connection;
    try {
      await connection.start();
      this.identity = await initializeUpstream(connection, {
        clientInfo: this.clientInfo,
        capabilities: this.capabilities,
        timeoutMs,
      });
      connection.setProtocolVersion(this.identity.protocolVersion);
    } catch (error) {
      throw new McpctlError('UPSTREAM_UNREACHABLE', `cannot initialize ${this.spec.url}: ${(error as Error).message}`, {
        hint: 'check that the server is up and the URL and headers are right',
        cause: error,
      });
    }
  }

  async ping(timeoutMs: number): Promise<void> {
    if (!this.connection) throw new McpctlError('UPSTREAM_UNREACHABLE', 'not connected');
    await this.connection.request('ping', undefined, timeoutMs);
  }

  async stop(): Promise<EndInfo> {
    const info: EndInfo = { exitCode: null, signal: null, reason: 'stopped' };
    this.end(info);
    await this.connection?.close().catch(() => undefined);
    return info;
  }
}
