import type { ServerResponse } from 'node:http';
import type { McpctlError } from '../../shared/errors.js';
import { sendError } from './httpReply.js';

/**
 * Answers a stream request with NDJSON: one JSON item per line until the handler ends or
 * the client goes away (then `controller` aborts, which tells the handler to stop). An
 * error before the first byte is a normal JSON error answer; a later one is sent as a
 * last line `{"error": {...}}`, which the client turns back into an McpctlError.
 */
export async function writeStream(
  res: ServerResponse,
  open: () => Promise<AsyncIterable<unknown>> | AsyncIterable<unknown>,
  controller: AbortController,
  toPublicError: (error: unknown) => McpctlError,
): Promise<void> {
  // 'close' also fires after a normal end; aborting then is harmless.
  res.once('close', () => controller.abort());
  let items: AsyncIterable<unknown>;
  try {
    items = await open();
  } catch (error) {
    sendError(res, toPublicError(error));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  res.flushHeaders();
  try {
    for await (const item of items) {
      if (controller.signal.aborted) break;
      if (!res.write(`${JSON.stringify(item) ?? 'null'}\n`)) await drained(res, controller.signal);
    }
  } catch (error) {
    // After an abort nobody listens, and the handler's AbortError is no bug worth logging.
    if (!controller.signal.aborted) res.write(`${JSON.stringify({ error: toPublicError(error).toPayload() })}\n`);
  } finally {
    res.end();
  }
}

/** Waits for the client to take what was written (backpressure), or for it to leave. */
function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
