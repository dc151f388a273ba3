import { McpctlError } from '../../shared/errors.js';
import type { HttpServerSpec } from './definition.js';
import type { EndInfo, Runner } from './runner.js';

type HttpUpstream = Awaited<ReturnType<typeof import('../../protocol/httpClient.js')['connectHttpUpstream']>>;

/**
 * An http server is not ours to spawn: "running" means it answered initialize,
 * and health is MCP ping against its URL, the same as for stdio servers.
 */
export class HttpRunner implements Runner {
  readonly pid = null;
  readonly pidStartTime = null;
  readonly ended: Promise<EndInfo>;
  private upstream: HttpUpstream | undefined;
  private end: (info: EndInfo) => void = () => {};

  constructor(
    private readonly spec: HttpServerSpec,
    private readonly clientInfo: { name: string; version: string },
  ) {
    this.ended = new Promise((resolve) => {
      this.end = resolve;
    });
  }

  async ready(timeoutMs: number): Promise<void> {
    // The SDK client is heavy: load it only when an http server is in use.
    const { connectHttpUpstream } = await import('../../protocol/httpClient.js');
    try {
      this.upstream = await connectHttpUpstream({
        url: this.spec.url,
        headers: this.spec.headers,
        clientInfo: this.clientInfo,
        timeoutMs,
      });
    } catch (error) {
      throw new McpctlError('UPSTREAM_UNREACHABLE', `cannot initialize ${this.spec.url}: ${(error as Error).message}`, {
        hint: 'check that the server is up and the URL and headers are right',
        cause: error,
      });
    }
    void this.upstream.closed.then(() =>
      this.end({ exitCode: null, signal: null, reason: 'the connection was closed' }),
    );
  }

  async ping(timeoutMs: number): Promise<void> {
    if (!this.upstream) throw new McpctlError('UPSTREAM_UNREACHABLE', 'not connected');
    await this.upstream.ping(timeoutMs);
  }

  async stop(): Promise<EndInfo> {
    const info: EndInfo = { exitCode: null, signal: null, reason: 'stopped' };
    this.end(info);
    await this.upstream?.close().catch(() => undefined);
    return info;
  }
}
