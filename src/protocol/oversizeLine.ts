import type { JsonRpcId } from './jsonrpc.js';
import type { OversizeLine } from './lineSplitter.js';

/**
 * What a stdout line over the cap was, told from its first and last bytes alone:
 * `answer`: a response, whose id was found (its client can be told at once);
 * `request`: a server-to-client request, id found (the server can be refused);
 * `notification`: a message nobody waits on; `noise`: not a JSON object at all;
 * `lost`: JSON-RPC by its look, but no id was found: someone may wait for it forever.
 */
export type OversizeKind =
  | { kind: 'answer'; id: JsonRpcId }
  | { kind: 'request'; id: JsonRpcId }
  | { kind: 'notification' }
  | { kind: 'noise' }
  | { kind: 'lost' };

/** A JSON value that fits a key we care about: a number, a short string, true, false or null. */
const SCALAR = String.raw`-?\d{1,16}(?:\.\d+)?|"(?:[^"\\]|\\.){0,256}"|true|false|null`;
/** The next `"key": scalar,` at the current position of the head. */
const LEADING_PAIR = new RegExp(String.raw`\s*"(\w{1,16})"\s*:\s*(${SCALAR})\s*,`, 'y');
/** The last `, "key": scalar` before the closing brace of the tail. */
const TRAILING_PAIR = new RegExp(String.raw`,\s*"(\w{1,16})"\s*:\s*(${SCALAR})\s*$`);

/**
 * The top-level keys with scalar values at either end of the line: before the first object
 * (`{"jsonrpc":"2.0","id":1,"result":...`) and after the last (`...},"jsonrpc":"2.0","id":1}`,
 * the order the TypeScript SDK writes). Escaped quotes inside strings never match `"key":`.
 */
function scalarKeys(line: OversizeLine): Map<string, unknown> {
  const keys = new Map<string, unknown>();
  const head = line.head.trimStart();
  LEADING_PAIR.lastIndex = 1; // past the "{"
  for (let match = LEADING_PAIR.exec(head); match !== null; match = LEADING_PAIR.exec(head)) {
    keys.set(match[1] as string, JSON.parse(match[2] as string));
  }
  let tail = line.tail.trimEnd();
  if (!tail.endsWith('}')) return keys;
  tail = tail.slice(0, -1);
  for (let match = TRAILING_PAIR.exec(tail); match !== null; match = TRAILING_PAIR.exec(tail)) {
    if (!keys.has(match[1] as string)) keys.set(match[1] as string, JSON.parse(match[2] as string));
    tail = tail.slice(0, match.index);
  }
  return keys;
}

export function classifyOversize(line: OversizeLine): OversizeKind {
  if (!line.head.trimStart().startsWith('{')) return { kind: 'noise' };
  const keys = scalarKeys(line);
  const id = keys.get('id');
  const hasId = typeof id === 'number' || typeof id === 'string';
  if (typeof keys.get('method') === 'string' || /^\s*\{\s*"method"\s*:/.test(line.head)) {
    return hasId ? { kind: 'request', id } : { kind: 'notification' };
  }
  return hasId ? { kind: 'answer', id } : { kind: 'lost' };
}
