import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpctlError } from '../../shared/errors.js';
import type { ControlApi } from '../api.js';
import { lazySchemaValidator } from './arguments.js';

/** A server by name (`/servers/NAME/mcp`) or a profile's aggregate (`/profiles/NAME/mcp`). */
export type InspectTarget = { kind: 'server' | 'profile'; name: string };

export function describeTarget(target: InspectTarget): string {
  return `${target.kind} '${target.name}'`;
}

/** The gateway URL of a target (an unknown server or profile: NOT_FOUND, exit 8). */
async function endpointUrl(api: ControlApi, target: InspectTarget): Promise<string> {
  if (target.kind === 'server') return (await api.serverUrl({ name: target.name })).url;
  return (await api.profileUrl({ name: target.name })).url;
}

export interface InspectorSession {
  client: Client;
  /** Ends the gateway session (DELETE) so it is not left to the idle timeout, then the transport. */
  close(): Promise<void>;
}

/** Why the session did not open, said with the server's state when that is the reason. */
async function openFailure(api: ControlApi, target: InspectTarget, error: unknown): Promise<McpctlError> {
  const reason = error instanceof Error ? error.message : String(error);
  if (target.kind === 'server') {
    const view = await api.getServer({ name: target.name }).catch(() => undefined);
    if (view && view.state !== 'running') {
      const last = view.lastError ? ` (last error: ${view.lastError})` : '';
      return new McpctlError('SERVER_FAILED', `server '${target.name}' is ${view.state}, not running${last}`, {
        hint:
          view.desired === 'stopped'
            ? `start it with 'mcpctl start ${target.name}'`
            : `see 'mcpctl status ${target.name}' and 'mcpctl logs ${target.name}'`,
        cause: error,
      });
    }
  }
  if (target.kind === 'profile' && /\b404\b|not found/i.test(reason)) {
    return new McpctlError('NOT_FOUND', `no profile named '${target.name}' on the gateway`, {
      hint: "list the profiles with 'mcpctl profile ls'",
      cause: error,
    });
  }
  return new McpctlError(
    'UPSTREAM_UNREACHABLE',
    `could not open an MCP session with ${describeTarget(target)}: ${reason}`,
    {
      hint: `see 'mcpctl daemon logs' and, for a server, 'mcpctl logs ${target.name}'`,
      cause: error,
    },
  );
}

/** An MCP client session with a target through the daemon's gateway, so the shared instance answers. */
export async function openSession(api: ControlApi, target: InspectTarget, version: string): Promise<InspectorSession> {
  const url = await endpointUrl(api, target);
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client({ name: 'mcpctl', version }, { jsonSchemaValidator: lazySchemaValidator() });
  try {
    await client.connect(transport);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw await openFailure(api, target, error);
  }
  return {
    client,
    async close() {
      await transport.terminateSession().catch(() => undefined);
      await client.close().catch(() => undefined);
    },
  };
}

/** JSON-RPC's "request timed out", as the SDK raises it (ErrorCode.RequestTimeout). */
const REQUEST_TIMEOUT = -32001;

/**
 * A failed MCP request (the server's JSON-RPC error, or no answer in time) as an mcpctl error:
 * exit 7 for a timeout, exit 5 for what the server answered.
 */
export function requestFailure(error: unknown, target: InspectTarget, what: string): McpctlError {
  if (error instanceof McpctlError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  if (code === REQUEST_TIMEOUT) {
    return new McpctlError('TIMEOUT', `${what} on ${describeTarget(target)} got no answer in time`, {
      hint: 'allow it longer with --timeout (e.g. --timeout 5m)',
      cause: error,
    });
  }
  return new McpctlError('SERVER_FAILED', `${what} on ${describeTarget(target)} failed: ${reason}`, {
    hint: `see 'mcpctl logs ${target.name}'${target.kind === 'profile' ? " (a member's log)" : ''}`,
    cause: error,
  });
}

/** Every page of tools/list. */
export async function listAllTools(client: Client): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}
