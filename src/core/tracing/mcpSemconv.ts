import type { JsonRpcRequest, JsonRpcResponse } from '../../protocol/jsonrpc.js';
import { MCP_METHODS } from '../../protocol/mcpMethods.js';
import type { TracedSession } from '../../protocol/tracing.js';

/**
 * The OpenTelemetry semantic conventions for MCP (semantic-conventions-genai, docs/gen-ai/mcp.md),
 * as plain data: span names and attributes of a request and its answer, with no SDK in sight,
 * so they are unit-tested alone and the SDK module only copies them onto spans and histograms.
 */

export type Attributes = Record<string, string | number | boolean>;

/** `mcp.server.operation.duration` and its client twin, in seconds, with the conventions' advised buckets. */
export const OPERATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
/** Sessions last minutes to days: the operation buckets, then up to a day. */
export const SESSION_BUCKETS = [...OPERATION_BUCKETS, 600, 1800, 3600, 7200, 14_400, 28_800, 86_400];

/** The conventions' fallback value for a method or error of no known name. */
export const OTHER = '_OTHER';

/** Gateway sessions are Streamable HTTP or HTTP+SSE: TCP under HTTP. */
const GATEWAY_TRANSPORT: Attributes = { 'network.transport': 'tcp', 'network.protocol.name': 'http' };

/** What a request is about: the tool or prompt it names, the resource it reads. */
function subjectOf(request: JsonRpcRequest): Attributes {
  const name = request.params?.name;
  const uri = request.params?.uri;
  switch (request.method) {
    case 'tools/call':
      return typeof name === 'string' ? { 'gen_ai.tool.name': name, 'gen_ai.operation.name': 'execute_tool' } : {};
    case 'prompts/get':
      return typeof name === 'string' ? { 'gen_ai.prompt.name': name } : {};
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return typeof uri === 'string' ? { 'mcp.resource.uri': uri } : {};
    default:
      return {};
  }
}

/** `{mcp.method.name} {target}`: the tool or prompt when there is one (low cardinality), else the method. */
export function spanName(request: JsonRpcRequest): string {
  const name = request.params?.name;
  const named = request.method === 'tools/call' || request.method === 'prompts/get';
  return named && typeof name === 'string' ? `${request.method} ${name}` : request.method;
}

/** Who serves the request behind the gateway: a server, or a profile's aggregate. */
export interface TracedTarget {
  kind: 'server' | 'profile';
  name: string;
}

function targetAttributes(target: TracedTarget): Attributes {
  return target.kind === 'server' ? { 'mcpctl.server': target.name } : { 'mcpctl.profile': target.name };
}

/** The attributes of the gateway's SERVER span for a client request, known when it arrives. */
export function requestAttributes(request: JsonRpcRequest, session: TracedSession, target: TracedTarget): Attributes {
  return {
    'mcp.method.name': request.method,
    'jsonrpc.request.id': String(request.id),
    'mcp.session.id': session.id,
    ...(session.protocolVersion === undefined ? {} : { 'mcp.protocol.version': session.protocolVersion }),
    ...GATEWAY_TRANSPORT,
    ...subjectOf(request),
    ...targetAttributes(target),
  };
}

/** How a request ended, as the conventions record it: `error.type`, the JSON-RPC code, a status message. */
export interface Ending {
  attributes: Attributes;
  /** Set when the span's status is ERROR. */
  error: string | undefined;
}

export function endingOf(outcome: JsonRpcResponse | string): Ending {
  if (typeof outcome === 'string') {
    const type = outcome === 'cancelled' ? 'cancelled' : OTHER;
    return { attributes: { 'error.type': type }, error: outcome };
  }
  if ('error' in outcome) {
    const code = String(outcome.error.code);
    return { attributes: { 'error.type': code, 'rpc.response.status_code': code }, error: outcome.error.message };
  }
  // A tool that ran and failed answers a result with isError: the conventions' `tool_error`.
  if (outcome.result.isError === true) return { attributes: { 'error.type': 'tool_error' }, error: 'tool_error' };
  return { attributes: {}, error: undefined };
}

/**
 * The attributes of `mcp.server.operation.duration`: bounded ones only (a method of no known name
 * is `_OTHER`, a tool name past `toolNames`' cap too), so no client can grow the series.
 */
export function operationMetricAttributes(
  request: JsonRpcRequest,
  ending: Ending,
  session: TracedSession,
  target: TracedTarget,
  toolName: (name: string) => string,
): Attributes {
  const tool = request.method === 'tools/call' ? request.params?.name : undefined;
  return {
    'mcp.method.name': MCP_METHODS.has(request.method) ? request.method : OTHER,
    ...(typeof tool === 'string'
      ? { 'gen_ai.tool.name': toolName(tool), 'gen_ai.operation.name': 'execute_tool' }
      : {}),
    ...(session.protocolVersion === undefined ? {} : { 'mcp.protocol.version': session.protocolVersion }),
    ...GATEWAY_TRANSPORT,
    ...targetAttributes(target),
    ...ending.attributes,
  };
}

/** The attributes of `mcp.server.session.duration`. */
export function sessionMetricAttributes(session: TracedSession, target: TracedTarget): Attributes {
  return {
    ...(session.protocolVersion === undefined ? {} : { 'mcp.protocol.version': session.protocolVersion }),
    ...GATEWAY_TRANSPORT,
    ...targetAttributes(target),
  };
}

/** The gateway's CLIENT span toward the upstream: what the upstream is reached over (stdio or http). */
export function upstreamAttributes(transport: 'stdio' | 'http' | undefined): Attributes {
  if (transport === 'stdio') return { 'network.transport': 'pipe' };
  if (transport === 'http') return { 'network.transport': 'tcp', 'network.protocol.name': 'http' };
  return {};
}
