import { StringDecoder } from 'node:string_decoder';
import { MAX_LINE_BYTES } from './logLine.js';

/** Called once per line, without its newline; `droppedBytes` were discarded from an overlong line. */
export type LineHandler = (text: string, droppedBytes: number) => void;

/**
 * Splits a stream into lines: chunks may end mid-line and mid-character, CRLF counts as
 * one newline, and a final line without newline is delivered at end. Keeps at most
 * about MAX_LINE_BYTES of one line in memory, however long the child's line runs.
 * Resolves when the stream has ended, closed or failed.
 */
export function splitLines(readable: NodeJS.ReadableStream, onLine: LineHandler): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let dropped = 0;

  const add = (part: string): void => {
    if (pending.length > MAX_LINE_BYTES) dropped += Buffer.byteLength(part);
    else pending += part;
  };
  const flush = (): void => {
    const text = pending.endsWith('\r') ? pending.slice(0, -1) : pending;
    const extra = dropped;
    pending = '';
    dropped = 0;
    onLine(text, extra);
  };
  const take = (chunk: string): void => {
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline >= 0; newline = chunk.indexOf('\n', start)) {
      add(chunk.slice(start, newline));
      flush();
      start = newline + 1;
    }
    if (start < chunk.length) add(chunk.slice(start));
  };

  return new Promise((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      readable.off('data', onData);
      take(decoder.end());
      if (pending.length > 0 || dropped > 0) flush();
      resolve();
    };
    const onData = (chunk: Buffer | string): void => {
      take(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    };
    readable.on('data', onData);
    readable.once('end', finish);
    readable.once('close', finish);
    readable.once('error', finish);
  });
}
