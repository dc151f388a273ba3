import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Visits the non-empty lines of `path` from the last to the first, reading the file
 * backwards in chunks, so the newest lines of a large log cost only what they weigh.
 * `visit` returns false to stop. Returns true when stopped early, false when the file
 * was read to its start (or does not exist).
 */
export function eachLineBackward(path: string, visit: (line: string) => boolean): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    let position = fstatSync(fd).size;
    // Bytes of a line whose start lies in an earlier (not yet read) chunk.
    let carry: Buffer = Buffer.alloc(0);
    while (position > 0) {
      const length = Math.min(CHUNK_BYTES, position);
      position -= length;
      const chunk = readFully(fd, position, length);
      const buffer: Buffer = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
      let end = buffer.length;
      while (end > 0) {
        const newline = buffer.lastIndexOf(NEWLINE, end - 1);
        if (newline < 0) break;
        if (newline + 1 < end && !visit(buffer.toString('utf8', newline + 1, end))) return true;
        end = newline;
      }
      carry = buffer.subarray(0, end);
    }
    return carry.length > 0 && !visit(carry.toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

function readFully(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let offset = 0;
  while (offset < length) {
    const read = readSync(fd, buffer, offset, length - offset, position + offset);
    if (read === 0) return buffer.subarray(0, offset);
    offset += read;
  }
  return buffer;
}
