/**
 * JSON-RPC 2.0 shapes and cheap structural guards. The gateway's hot path
 * checks messages with these instead of a schema parse per message.
 */
export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcResult {
  jsonrpc: '2.0';
  id: JsonRpcId;
  result: Record<string, unknown>;
}

export interface JsonRpcError {
  jsonrpc: '2.0';
  id: JsonRpcId | null;
  error: JsonRpcErrorObject;
}

export type JsonRpcResponse = JsonRpcResult | JsonRpcError;
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/** Error codes of the JSON-RPC spec and of MCP. */
export const RPC_ERROR = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  connectionClosed: -32000,
  requestTimeout: -32001,
} as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function hasValidParams(value: Record<string, unknown>): boolean {
  return value.params === undefined || isObject(value.params);
}

export function isRequest(value: unknown): value is JsonRpcRequest {
  return (
    isObject(value) &&
    value.jsonrpc === '2.0' &&
    typeof value.method === 'string' &&
    isId(value.id) &&
    hasValidParams(value)
  );
}

export function isNotification(value: unknown): value is JsonRpcNotification {
  return (
    isObject(value) &&
    value.jsonrpc === '2.0' &&
    typeof value.method === 'string' &&
    !('id' in value) &&
    hasValidParams(value)
  );
}

export function isResponse(value: unknown): value is JsonRpcResponse {
  if (!isObject(value) || value.jsonrpc !== '2.0' || 'method' in value) return false;
  if ('result' in value) return isId(value.id) && isObject(value.result);
  if ('error' in value) {
    const error = value.error;
    return (value.id === null || isId(value.id)) && isObject(error) && typeof error.code === 'number';
  }
  return false;
}

export function isMessage(value: unknown): value is JsonRpcMessage {
  return isRequest(value) || isNotification(value) || isResponse(value);
}

export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: unknown): JsonRpcError {
  const error: JsonRpcErrorObject = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: '2.0', id, error };
}
