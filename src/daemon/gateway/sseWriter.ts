import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** A client that lets this much pile up unread is cut off rather than allowed to grow the daemon. */
const MAX_UNREAD_BYTES = 16 * 1024 * 1024;

const KEEP_ALIVE_FRAME = ': keepalive\n\n';

/** The open SSE responses of a gateway, kept alive by one shared timer instead of one per stream. */
export class SseHub {
  private readonly writers = new Set<SseWriter>();
  private readonly timer: NodeJS.Timeout;

  constructor(keepAliveMs: number) {
    this.timer = setInterval(() => {
      for (const writer of this.writers) writer.write(KEEP_ALIVE_FRAME);
    }, keepAliveMs);
    this.timer.unref();
  }

  add(writer: SseWriter): void {
    this.writers.add(writer);
  }

  delete(writer: SseWriter): void {
    this.writers.delete(writer);
  }

  stop(): void {
    clearInterval(this.timer);
    for (const writer of [...this.writers]) writer.end();
  }
}

/** One `text/event-stream` response; `onClose` runs once when it ends, by either side. */
export class SseWriter {
  private open = true;

  constructor(
    private readonly res: ServerResponse,
    private readonly hub: SseHub,
    headers: OutgoingHttpHeaders | undefined,
    onClose: (writer: SseWriter) => void,
  ) {
    res.writeHead(200, headers === undefined ? SSE_HEADERS : { ...SSE_HEADERS, ...headers });
    // Headers go out now: a client's fetch() resolves only when they arrive.
    res.flushHeaders();
    hub.add(this);
    // A long-lived response can fail at any write once the peer is gone; 'close' handles that.
    res.on('error', () => {});
    res.once('close', () => {
      this.open = false;
      hub.delete(this);
      onClose(this);
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  write(frame: string): void {
    if (!this.open) return;
    if (this.res.writableLength > MAX_UNREAD_BYTES) {
      this.open = false;
      this.res.destroy();
      return;
    }
    this.res.write(frame);
  }

  end(): void {
    if (!this.open) return;
    this.open = false;
    this.hub.delete(this);
    this.res.end();
  }
}

export function messageFrame(data: string, id?: string): string {
  return id === undefined ? `event: message\ndata: ${data}\n\n` : `event: message\nid: ${id}\ndata: ${data}\n\n`;
}
