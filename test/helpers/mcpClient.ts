import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** An SDK client with a Streamable HTTP session; close() ends the session (DELETE) and then the client. */
export interface HttpSession {
  client: Client;
  close(): Promise<void>;
}

/** Connects `client` (its capabilities and handlers already set) to the MCP endpoint at `url`. */
export async function connectHttp(url: string, client: Client): Promise<HttpSession> {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return {
    client,
    async close() {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}
