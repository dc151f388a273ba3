import { type IncomingHttpHeaders, request } from 'node:http';

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Where requests go: the gateway's http://HOST:PORT, or the control API's Unix socket. */
export type Target = { url: string } | { socketPath: string };

/**
 * One request exactly as given (no header or body fix-ups), as a broken or hostile client
 * sends it, on a fresh connection. `dropStreams`: an SSE answer settles at its status line and the
 * connection is dropped (the way to probe a GET that may open an endless stream).
 */
export function sendRaw(target: Target, raw: RawRequest, dropStreams = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const where =
      'url' in target ? { ...splitUrl(target.url), path: raw.path } : { socketPath: target.socketPath, path: raw.path };
    // Node's client sends a GET's body without framing it; the length makes it one request still.
    const headers =
      raw.body === undefined || 'content-length' in raw.headers
        ? raw.headers
        : { ...raw.headers, 'content-length': String(Buffer.byteLength(raw.body)) };
    const req = request({ ...where, method: raw.method, headers, agent: false }, (res) => {
      if (dropStreams && res.headers['content-type']?.startsWith('text/event-stream') === true) {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '' });
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(raw.body);
  });
}

function splitUrl(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/** The JSON-RPC messages of an answer body: a JSON document, or the `data:` lines of an SSE stream. */
export function messagesOf(answer: RawAnswer): unknown[] {
  const type = answer.headers['content-type'] ?? '';
  if (answer.text.trim() === '') return [];
  if (type.startsWith('text/event-stream')) {
    return answer.text
      .split('\n')
      .filter((line) => line.startsWith('data:') && line.slice(5).trim() !== '')
      .map((line) => JSON.parse(line.slice(5)) as unknown);
  }
  const value = JSON.parse(answer.text) as unknown;
  return Array.isArray(value) ? value : [value];
}
