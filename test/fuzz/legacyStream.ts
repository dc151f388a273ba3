import { type ClientRequest, type IncomingMessage, request } from 'node:http';

/**
 * A legacy HTTP+SSE client reduced to what the fuzz needs: the stream's endpoint, and the answer
 * to a given request id as it arrives on the stream (every answer of the legacy transport does).
 */
export class LegacyStream {
  private readonly answers = new Map<unknown, unknown>();
  private readonly waiters = new Map<unknown, (message: unknown) => void>();
  private buffer = '';
  closed = false;
  /** Every message seen on the stream (the test drains it). */
  readonly seen: Array<{ id?: unknown; error?: { code?: unknown; message?: unknown } }> = [];

  private constructor(
    private readonly req: ClientRequest,
    /** `/servers/NAME/messages?sessionId=ID`, as the endpoint event gave it. */
    readonly endpoint: string,
    readonly sessionId: string,
    res: IncomingMessage,
    rest: string,
  ) {
    res.on('data', (chunk: Buffer) => this.take(chunk.toString('utf8')));
    res.on('close', () => {
      this.closed = true;
    });
    this.take(rest);
  }

  static open(url: string): Promise<LegacyStream> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream' }, agent: false });
      req.on('response', (res) => {
        let head = '';
        const onData = (chunk: Buffer): void => {
          head += chunk.toString('utf8');
          const match = /event: endpoint\ndata: (\S+)\n\n/.exec(head);
          if (match === null) return;
          res.off('data', onData);
          const endpoint = match[1] as string;
          const sessionId = new URL(endpoint, url).searchParams.get('sessionId') ?? '';
          resolve(new LegacyStream(req, endpoint, sessionId, res, head.slice(match.index + match[0].length)));
        };
        res.on('data', onData);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  private take(text: string): void {
    this.buffer += text;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end === -1) return;
      const event = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data === '') continue;
      const message = JSON.parse(data) as LegacyStream['seen'][number];
      this.seen.push(message);
      if (message.id === undefined || message.id === null) continue;
      const waiter = this.waiters.get(message.id);
      if (waiter === undefined) this.answers.set(message.id, message);
      else {
        this.waiters.delete(message.id);
        waiter(message);
      }
    }
  }

  /** The message with this id on the stream (a response), already there or the next to come. */
  answer(id: string | number): Promise<unknown> {
    const known = this.answers.get(id);
    if (known !== undefined) {
      this.answers.delete(id);
      return Promise.resolve(known);
    }
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }

  /** Forgets answers nobody waits for (those to fuzzed requests), so a long run keeps no garbage. */
  forget(): void {
    this.answers.clear();
  }

  close(): void {
    this.req.destroy();
  }
}
