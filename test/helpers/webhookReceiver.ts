import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  url: string;
  /** Every request's parsed body, with the status it was answered, in order. */
  readonly received: Array<{ body: unknown; status: number }>;
  close(): Promise<void>;
}

/** A real HTTP server on loopback that records POSTed JSON; the first `failFirst` requests get a 500. */
export async function startWebhookReceiver(failFirst = 0): Promise<WebhookReceiver> {
  const received: Array<{ body: unknown; status: number }> = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => {
      const status = received.length < failFirst ? 500 : 200;
      received.push({ body: JSON.parse(text), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
