import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export interface HttpUpstreamOptions {
  url: string;
  headers: Record<string, string>;
  clientInfo: { name: string; version: string };
  timeoutMs: number;
}

export interface HttpUpstream {
  ping(timeoutMs: number): Promise<void>;
  /** Settles when the connection is gone (closed by either side). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** An MCP client session against a Streamable HTTP server, used to check that it answers. */
export async function connectHttpUpstream(options: HttpUpstreamOptions): Promise<HttpUpstream> {
  const transport = new StreamableHTTPClientTransport(new URL(options.url), {
    requestInit: { headers: options.headers },
  });
  const client = new Client(options.clientInfo, { capabilities: {} });
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  client.onclose = () => markClosed();
  await client.connect(transport, { timeout: options.timeoutMs });
  return {
    closed,
    async ping(timeoutMs) {
      await client.ping({ timeout: timeoutMs });
    },
    async close() {
      // Ending the session politely is best effort: the server may already be gone.
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}
