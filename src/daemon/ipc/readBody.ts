import type { IncomingMessage } from 'node:http';
import { McpctlError } from '../../shared/errors.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Past this many bytes of an oversized body we stop draining and drop the connection. */
const DRAIN_LIMIT_BYTES = 16 * BODY_LIMIT_BYTES;

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; error: McpctlError };

/**
 * Reads and parses a JSON request body. An oversized body is drained to its end before
 * the 413 goes out, so the client finishes writing and can read the answer (answering
 * mid-upload makes it fail with EPIPE instead). An empty body counts as `{}`.
 */
export function readJsonBody(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_LIMIT_BYTES) req.destroy();
      else if (size <= limit) chunks.push(chunk);
    });
    // A client that leaves mid-body gets no answer (its socket is gone), but the caller must not hang.
    req.on('error', () => {});
    req.on('close', () => {
      if (req.complete) return;
      const error = new McpctlError('INVALID_ARGUMENT', 'the client went away before sending the whole request');
      resolve({ ok: false, status: 400, error });
    });
    req.on('end', () => {
      if (size > limit) {
        const error = new McpctlError('INVALID_ARGUMENT', `request body is ${size} bytes; the limit is ${limit}`, {
          hint: 'send a smaller request (large values belong in files the daemon reads)',
        });
        resolve({ ok: false, status: 413, error });
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        resolve({ ok: true, value: {} });
        return;
      }
      try {
        resolve({ ok: true, value: JSON.parse(text) });
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        const error = new McpctlError('INVALID_ARGUMENT', `request body is not valid JSON: ${reason}`, {
          hint: 'send the method input as a JSON object',
          cause,
        });
        resolve({ ok: false, status: 400, error });
      }
    });
  });
}
