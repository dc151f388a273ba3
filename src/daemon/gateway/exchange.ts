import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import type { EventStream } from './eventStream.js';
import { sendJsonText } from './replies.js';
import { type SseHub, SseWriter } from './sseWriter.js';

/** What an exchange needs from its session to open a resumable stream. */
export interface StreamHost {
  readonly hub: SseHub;
  /** Headers every SSE response of the session carries (Mcp-Session-Id). */
  readonly streamHeaders: OutgoingHttpHeaders;
  /** Whether the session's protocol version expects a priming event. */
  readonly priming: boolean;
  openStream(): EventStream;
}

type Mode = 'waiting' | 'streaming' | 'detached' | 'done';

/**
 * One POST carrying requests, answered lazily: if the responses are the first thing the
 * backend sends for them, they go out as one `application/json` body (the fast path);
 * anything else first (progress, a server-to-client request) turns the answer into an
 * SSE stream that ends after the last response. A client that disconnects is not
 * cancelling (spec): its requests run on, and a stream's events stay resumable.
 */
export class Exchange {
  private mode: Mode = 'waiting';
  private remaining: number;
  private readonly collected: JsonRpcMessage[];
  private stream: EventStream | undefined;

  constructor(
    private readonly host: StreamHost,
    private readonly res: ServerResponse,
    requests: number,
    private readonly batch: boolean,
    /** Answers known before the backend is asked (a batch's bad members). */
    preset: JsonRpcMessage[],
    private jsonHeaders: OutgoingHttpHeaders | undefined,
  ) {
    this.remaining = requests;
    this.collected = preset;
    // `on`, not `once`: a response closes once, and once's wrapper is one more allocation per POST.
    res.on('close', () => {
      if (this.mode === 'waiting') this.mode = 'detached';
    });
  }

  /** The initialize answer failed: the session will not exist, so its id must not be handed out. */
  dropJsonHeaders(): void {
    this.jsonHeaders = undefined;
  }

  /** `final` marks the response to one of this POST's requests. */
  deliver(message: JsonRpcMessage, final: boolean): void {
    if (final) this.remaining -= 1;
    switch (this.mode) {
      case 'waiting':
        if (final) {
          this.collected.push(message);
          if (this.remaining === 0) this.answerJson();
        } else {
          this.startStream();
          this.push(message, final);
        }
        return;
      case 'streaming':
        this.push(message, final);
        return;
      case 'detached':
        if (this.remaining === 0) this.mode = 'done';
        return;
      case 'done':
        return;
    }
  }

  /** The client cancelled one of this POST's requests: no answer comes for it (spec), so the POST ends without one. */
  cancel(): void {
    this.remaining -= 1;
    if (this.remaining > 0 || this.mode === 'done') return;
    if (this.mode === 'waiting' && this.collected.length > 0) {
      this.answerJson();
      return;
    }
    // A lone cancelled request has no JSON answer to give: an SSE stream without one ends the POST.
    if (this.mode === 'waiting') this.startStream();
    this.mode = 'done';
    this.stream?.finish();
  }

  private answerJson(): void {
    this.mode = 'done';
    const body = JSON.stringify(this.batch ? this.collected : this.collected[0]);
    sendJsonText(this.res, body, this.jsonHeaders);
  }

  private startStream(): void {
    this.mode = 'streaming';
    const stream = this.host.openStream();
    this.stream = stream;
    const writer = new SseWriter(this.res, this.host.hub, this.host.streamHeaders, (closed) => stream.detach(closed));
    if (this.host.priming) writer.write(stream.primingFrame());
    stream.attach(writer);
    for (const message of this.collected) stream.append(message);
    this.collected.length = 0;
  }

  private push(message: JsonRpcMessage, final: boolean): void {
    const stream = this.stream as EventStream;
    stream.append(message);
    if (final && this.remaining === 0) {
      this.mode = 'done';
      stream.finish();
    }
  }
}
