import type { ServerView } from '../core/api.js';
import { GatewayClient } from './mcp.js';

/**
 * How many tools each running server lists, asked through the gateway as an MCP client would
 * (one short session per server, closed at once) and remembered per server start: the pages
 * reload on every event, the count is asked again only when a server (re)started.
 * Isolated servers are not asked: a session would take one of their processes. null: not known.
 */
const known = new Map<string, Promise<number | null>>();

function keyOf(server: ServerView): string {
  return `${server.name}\n${server.startedAt ?? ''}`;
}

function count(server: ServerView): Promise<number | null> {
  const client = GatewayClient.forServer(server.name);
  return client
    .listTools()
    .then(
      (tools) => tools.length,
      () => null,
    )
    .finally(() => client.close());
}

export async function toolCounts(servers: readonly ServerView[]): Promise<Map<string, number | null>> {
  const counts = new Map<string, number | null>();
  await Promise.all(
    servers.map(async (server) => {
      if (server.state !== 'running' || server.sharing?.mode === 'isolated') {
        counts.set(server.name, null);
        return;
      }
      const key = keyOf(server);
      let pending = known.get(key);
      if (pending === undefined) {
        pending = count(server);
        known.set(key, pending);
      }
      // A failed count (the gateway refused) is not asked again before the server restarts: each try
      // is a session, whose events would reload the page, which would try again.
      counts.set(server.name, await pending);
    }),
  );
  return counts;
}

/** Tools across the servers that were counted, and how many were. */
export function totalTools(counts: ReadonlyMap<string, number | null>): { tools: number; counted: number } {
  let tools = 0;
  let counted = 0;
  for (const value of counts.values()) {
    if (value === null) continue;
    tools += value;
    counted += 1;
  }
  return { tools, counted };
}
