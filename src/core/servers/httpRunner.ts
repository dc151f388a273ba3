import { addressKind, literalAddress, privateAddressRefused, type Resolve } from '../../daemon/net/addressPolicy.js';
import { type GuardedFetch, guardedFetch } from '../../daemon/net/guardedFetch.js';
import type { UpstreamIdentity } from '../../protocol/handshake.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import { McpctlError } from '../../shared/errors.js';
import type { HttpServerSpec } from './definition.js';
import type { EndInfo, Runner, SharedChannel } from './runner.js';

type HttpConnection = import('../../protocol/httpConnection.js').HttpConnection;

/** How long a server has to answer the ping that follows a transport error. */
const PROBE_TIMEOUT_MS = 5000;

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
  private finished = false;
  private probing = false;
  private guarded: GuardedFetch | undefined;

  constructor(
    private readonly spec: HttpServerSpec,
    private readonly clientInfo: { name: string; version: string },
    private readonly capabilities: Record<string, unknown>,
    /** How host names resolve at connect time (node's resolver; a test's to play DNS rebinding). */
    private readonly resolve: Resolve,
    /** Tracing is on: trace context goes to the server as HTTP headers too. */
    private readonly traceHeaders = false,
  ) {
    this.ended = new Promise((resolve) => {
      this.end = (info) => {
        this.finished = true;
        resolve(info);
      };
    });
  }

  get channel(): SharedChannel {
    return this;
  }

  send(message: JsonRpcMessage): void {
    this.connection?.send(message);
  }

  /**
   * Without `allowPrivate`, the upstream's address is checked at every connect: an IP literal
   * here, once; a host name by each socket's lookup (guardedFetch), so DNS cannot change it after the check.
   */
  private addressCheckedFetch(): GuardedFetch | undefined {
    const { url, allowPrivate } = this.spec;
    if (allowPrivate) return undefined;
    const literal = literalAddress(url);
    if (literal === undefined) return guardedFetch(url, this.resolve);
    if (addressKind(literal) === 'private') throw privateAddressRefused(url, literal);
    return undefined;
  }

  async ready(timeoutMs: number): Promise<void> {
    this.guarded = this.addressCheckedFetch();
    // The SDK transport is heavy: load it only when an http server is in use.
    const [{ HttpConnection }, { initializeUpstream }] = await Promise.all([
      import('../../protocol/httpConnection.js'),
      import('../../protocol/handshake.js'),
    ]);
    const connection = new HttpConnection({
      url: this.spec.url,
      headers: this.spec.headers,
      ...(this.spec.sse ? { sse: true } : {}),
      ...(this.guarded ? { fetch: this.guarded.fetch } : {}),
      ...(this.traceHeaders ? { traceHeaders: true } : {}),
      onMessage: (message) => this.onUpstreamMessage(message),
      onClose: (reason) => {
        this.guarded?.close();
        this.end({ exitCode: null, signal: null, reason });
      },
      onError: () => void this.probe(),
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

  /**
   * A cut stream or a failed POST may mean the server is gone, as an exit means it for a
   * process: one ping tells, and one that fails ends this runner so the restart policy
   * takes over at once (in-flight requests get their error) instead of after the health checks.
   */
  private async probe(): Promise<void> {
    const connection = this.connection;
    if (this.probing || this.finished || this.identity === undefined || connection === undefined) return;
    this.probing = true;
    try {
      await connection.request('ping', undefined, PROBE_TIMEOUT_MS);
    } catch (error) {
      if (this.finished) return;
      this.end({ exitCode: null, signal: null, reason: `the server stopped answering: ${(error as Error).message}` });
      await connection.close().catch(() => undefined);
    } finally {
      this.probing = false;
    }
  }

  async stop(): Promise<EndInfo> {
    const info: EndInfo = { exitCode: null, signal: null, reason: 'stopped' };
    this.end(info);
    await this.connection?.close().catch(() => undefined);
    this.guarded?.close();
    return info;
  }
}
