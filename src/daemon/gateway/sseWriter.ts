import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** The close reason of a session whose client stopped reading one of its streams. */
export const SLOW_CLIENT = 'slow client';

const KEEP_ALIVE_FRAME = ': keepalive\n\n';

/** The open SSE responses of a gateway, kept alive by one shared timer instead of one per stream. */
export class SseHub {
  private readonly writers = new Set<SseWriter>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    keepAliveMs: number,
    /** A client that lets more than this pile up unread is cut off rather than allowed to grow the daemon. */
    readonly maxUnreadBytes: number,
  ) {
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

/**
 * One `text/event-stream` response; `onClose` runs once when it ends, by either side, or
 * when the writer cut a client off that stopped reading (then `overflowed` is true).
 */
export class SseWriter {
  private open = true;
  private cutOff = false;

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

  /** The client let more than the hub's cap pile up unread, so the stream was cut. */
  get overflowed(): boolean {
    return this.cutOff;
  }

  write(frame: string): void {
    if (!this.open) return;
    // Everything not yet taken by the kernel: Node's buffers of this response and of its socket.
    if (this.res.writableLength > this.hub.maxUnreadBytes) {
      this.open = false;
      this.cutOff = true;
      // 'close' follows and tells the owner, outside whatever delivery is writing now.
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
