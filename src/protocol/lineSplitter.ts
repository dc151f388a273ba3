import type { Readable } from 'node:stream';

/** What is kept of a line over the cap: its size, and its first and last bytes to tell what it was. */
export interface OversizeLine {
  bytes: number;
  head: string;
  tail: string;
}

export interface LineHandlers {
  line(text: string): void;
  /** A line longer than the cap: its bytes are dropped up to the next newline. */
  oversize(line: OversizeLine): void;
}

/** Enough of a dropped line's start for its leading keys ("jsonrpc", "id", "method"), and of its end for an id written last. */
const HEAD_BYTES = 4096;
const TAIL_BYTES = 512;

/**
 * Splits a byte stream into newline-terminated lines (a trailing '\r' is
 * stripped), never buffering more than `maxLineBytes`: a server that writes a
 * huge line without a newline cannot grow the daemon's memory. Of a longer line
 * only its first and last bytes are kept, so its id can still be found.
 */
export function splitLines(stream: Readable, maxLineBytes: number, handlers: LineHandlers): void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let discarding = false;
  let discarded = 0;
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);

  const keepTail = (piece: Buffer): void => {
    tail =
      piece.length >= TAIL_BYTES
        ? Buffer.from(piece.subarray(piece.length - TAIL_BYTES))
        : Buffer.concat([tail, piece]).subarray(-TAIL_BYTES);
  };

  const startDiscarding = (rest: Buffer): void => {
    const pieces = [...pending, rest];
    head = Buffer.concat(pieces, Math.min(HEAD_BYTES, pendingBytes + rest.length));
    tail = Buffer.alloc(0);
    for (const piece of pieces) keepTail(piece);
    discarding = true;
    discarded = pendingBytes + rest.length;
    pending = [];
    pendingBytes = 0;
  };

  const emit = (end: Buffer): void => {
    if (!discarding && pendingBytes + end.length > maxLineBytes) startDiscarding(end);
    else if (discarding) {
      keepTail(end);
      discarded += end.length;
    }
    if (discarding) {
      handlers.oversize({ bytes: discarded, head: head.toString('utf8'), tail: tail.toString('utf8') });
      discarding = false;
      discarded = 0;
      head = Buffer.alloc(0);
      tail = Buffer.alloc(0);
      return;
    }
    const whole = pending.length === 0 ? end : Buffer.concat([...pending, end]);
    pending = [];
    pendingBytes = 0;
    let text = whole.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    handlers.line(text);
  };

  stream.on('data', (chunk: Buffer) => {
    let start = 0;
    let newline = chunk.indexOf(10, start);
    while (newline !== -1) {
      emit(chunk.subarray(start, newline));
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start >= chunk.length) return;
    const rest = chunk.subarray(start);
    if (discarding) {
      keepTail(rest);
      discarded += rest.length;
    } else if (pendingBytes + rest.length > maxLineBytes) {
      startDiscarding(rest);
    } else {
      pending.push(Buffer.from(rest));
      pendingBytes += rest.length;
    }
  });
}
