import type { ClientRequest } from 'node:http';
import { SseParser } from '../sseParser.js';
import type { GatewayLink } from './gatewayLink.js';

/**
 * The session's GET stream, which carries what the server sends unasked (list_changed, log
 * messages, resource updates). Resumes with Last-Event-ID on the same session; tells the bridge
 * when it ends, which is how an idle bridge learns that its session is gone.
 */
export class StandaloneStream {
  /** A stream was open on this session: a new session gets one too. */
  wanted = false;
  private req: ClientRequest | undefined;
  private lastEventId: string | undefined;

  constructor(
    private readonly link: GatewayLink,
    private readonly write: (data: string) => void,
    /** The stream ended by itself (the bridge did not close it). */
    private readonly ended: () => void,
  ) {}

  get isOpen(): boolean {
    return this.req !== undefined;
  }

  /** A new session: events of the old one cannot be resumed on it. */
  forget(): void {
    this.lastEventId = undefined;
  }

  /**
   * Opens the stream; resolves with the gateway's status once it answered, 0 when it could not be
   * reached or `signal` fired first. The signal bounds the wait for an answer, never the stream.
   */
  open(signal?: AbortSignal): Promise<number> {
    this.close();
    const headers: Record<string, string | number> = { ...this.link.headers(undefined), accept: 'text/event-stream' };
    if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
    return new Promise((resolve) => {
      const giveUp = (): void => {
        req.destroy();
      };
      const req = this.link.open({ method: 'GET', agent: this.link.agent, headers }, (res) => {
        signal?.removeEventListener('abort', giveUp);
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          if (this.req === req) this.req = undefined;
          res.resume();
          resolve(status);
          return;
        }
        this.wanted = true;
        res.setEncoding('utf8');
        const parser = new SseParser((event) => {
          this.lastEventId = event.id ?? this.lastEventId;
          if (event.data.trim()) this.write(event.data);
        });
        res.on('data', (chunk: string) => parser.push(chunk));
        res.on('error', () => undefined);
        res.on('close', () => this.finished(req));
        resolve(200);
      });
      req.on('error', () => {
        signal?.removeEventListener('abort', giveUp);
        this.finished(req);
        resolve(0);
      });
      if (signal?.aborted) req.destroy();
      else signal?.addEventListener('abort', giveUp, { once: true });
      req.end();
      this.req = req;
    });
  }

  close(): void {
    const req = this.req;
    this.req = undefined;
    req?.destroy();
  }

  private finished(req: ClientRequest): void {
    if (this.req !== req) return; // closed by the bridge, or replaced
    this.req = undefined;
    this.ended();
  }
}
