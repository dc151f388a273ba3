import type { Readable } from 'node:stream';

export interface LineHandlers {
  line(text: string): void;
  /** A line longer than the cap: its bytes are dropped up to the next newline. */
  oversize(bytes: number): void;
}

/**
 * Splits a byte stream into newline-terminated lines (a trailing '\r' is
 * stripped), never buffering more than `maxLineBytes`: a server that writes a
 * huge line without a newline cannot grow the daemon's memory.
 */
export function splitLines(stream: Readable, maxLineBytes: number, handlers: LineHandlers): void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let discarding = false;
  let discarded = 0;

  const emit = (tail: Buffer): void => {
    if (discarding) {
      handlers.oversize(discarded + tail.length);
      discarding = false;
      discarded = 0;
      return;
    }
    const whole = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
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
      discarded += rest.length;
    } else if (pendingBytes + rest.length > maxLineBytes) {
      discarding = true;
      discarded = pendingBytes + rest.length;
      pending = [];
      pendingBytes = 0;
    } else {
      pending.push(Buffer.from(rest));
      pendingBytes += rest.length;
    }
  });
}
