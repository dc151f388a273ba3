import type { IncomingMessage } from 'node:http';

export const TOO_LARGE = Symbol('too large');

/** A body read whole; TOO_LARGE past the limit; undefined when the client went away mid-body. */
export type BodyOutcome = Buffer | typeof TOO_LARGE | undefined;

/**
 * Reads a request body up to `limit` bytes and calls `done` once. A declared Content-Length over
 * the limit is refused before reading a byte, and an undeclared one as soon as it passes the
 * limit, so an oversized body is never held in memory; Node discards the rest once the answer is
 * out. A callback and plain listeners, not a promise and `once` wrappers: this runs per POST.
 * No 'error' listener: a request that fails also closes incomplete (Node emits 'error' on a
 * request only to listeners), which ends the read as undefined.
 */
export function readBody(req: IncomingMessage, limit: number, done: (body: BodyOutcome) => void): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    done(TOO_LARGE);
    return;
  }
  let chunks: Buffer[] | undefined = [];
  let size = 0;
  const settle = (body: BodyOutcome): void => {
    if (chunks === undefined) return;
    chunks = undefined;
    done(body);
  };
  const onData = (chunk: Buffer): void => {
    if (chunks === undefined) return;
    size += chunk.length;
    if (size > limit) {
      req.off('data', onData);
      settle(TOO_LARGE);
      return;
    }
    chunks.push(chunk);
  };
  req.on('data', onData);
  req.on('end', () => {
    if (chunks !== undefined) settle(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
  });
  req.on('close', () => {
    if (!req.complete) settle(undefined);
  });
}

/** readBody as a promise, for the endpoints off the hot path. */
export function bodyOf(req: IncomingMessage, limit: number): Promise<BodyOutcome> {
  return new Promise((resolve) => readBody(req, limit, resolve));
}

/** `application/json` with optional parameters (charset), case-insensitive. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const semicolon = value.indexOf(';');
  const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  return essence === 'application/json';
}
