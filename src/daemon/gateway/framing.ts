import {
  errorResponse,
  isMessage,
  type JsonRpcError,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcRequest,
  RPC_ERROR,
} from '../../protocol/jsonrpc.js';
import { nestsDeeperThan } from '../../protocol/nesting.js';

export const MAX_BATCH_MESSAGES = 100;

/**
 * How deep a body's arrays and objects may nest: far deeper than any tool's arguments, far
 * shallower than what overflows the stack of a recursive JSON.stringify on the way upstream
 * (a few thousand levels; a 4 MiB body can nest two million).
 */
export const MAX_NESTING = 256;

export type Framed =
  | { ok: true; batch: false; message: JsonRpcMessage }
  | { ok: true; batch: true; messages: JsonRpcMessage[]; errors: JsonRpcError[] }
  | { ok: false; status: number; error: JsonRpcError };

/**
 * Parses a POST body into JSON-RPC messages with the structural guards of
 * protocol/jsonrpc.ts (no schema parse on the hot path). A bad single message fails the
 * request; a bad batch member gets its own error and the rest of the batch goes on.
 */
export function frameBody(body: Buffer, allowBatch: boolean, version: string): Framed {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return fail(RPC_ERROR.parseError, 'Parse error: the body is not valid JSON');
  }
  if (nestsDeeperThan(body, MAX_NESTING)) {
    return fail(RPC_ERROR.invalidRequest, `Invalid Request: the body nests deeper than ${MAX_NESTING} levels`);
  }
  if (!Array.isArray(value)) {
    if (isMessage(value)) return { ok: true, batch: false, message: value };
    return fail(RPC_ERROR.invalidRequest, 'Invalid Request: not a JSON-RPC 2.0 request, notification or response');
  }
  if (!allowBatch) {
    return fail(
      RPC_ERROR.invalidRequest,
      `Invalid Request: protocol version ${version} does not allow JSON-RPC batches; send one message per POST`,
    );
  }
  if (value.length === 0) return fail(RPC_ERROR.invalidRequest, 'Invalid Request: empty batch');
  if (value.length > MAX_BATCH_MESSAGES) {
    return fail(RPC_ERROR.invalidRequest, `Invalid Request: a batch may hold at most ${MAX_BATCH_MESSAGES} messages`);
  }
  const messages: JsonRpcMessage[] = [];
  const errors: JsonRpcError[] = [];
  for (const member of value) {
    if (isMessage(member)) messages.push(member);
    else errors.push(errorResponse(requestIdOf(member), RPC_ERROR.invalidRequest, 'Invalid Request: bad batch member'));
  }
  return { ok: true, batch: true, messages, errors };
}

/**
 * The id to answer a bad member with: its own when it was meant as a request and has a
 * usable id, null otherwise (JSON-RPC 2.0 §5), so a malformed response is never answered
 * with an id the client could mistake for one of its own requests.
 */
function requestIdOf(member: unknown): JsonRpcId | null {
  if (typeof member !== 'object' || member === null || !('method' in member) || !('id' in member)) return null;
  const id = member.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

function fail(code: number, message: string): Framed {
  return { ok: false, status: 400, error: errorResponse(null, code, message) };
}

/** For a message that already passed the guards: requests are the ones with both a method and an id. */
export function isRequestMessage(message: JsonRpcMessage): message is JsonRpcRequest {
  return 'method' in message && 'id' in message;
}
