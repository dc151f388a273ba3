import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import { messageFrame, type SseWriter } from './sseWriter.js';

/** Per stream, the recent events kept for a client that reconnects with Last-Event-ID. */
const MAX_EVENTS = 128;
const MAX_CHARS = 1024 * 1024;

interface StoredEvent {
  seq: number;
  frame: string;
}

/**
 * One logical SSE stream of a session (a POST's answer stream or the standalone GET
 * stream). Event ids are `<streamNo>-<seq>`, unique within the session; events are kept
 * in a bounded ring so a new connection can pick up after the last id the client saw,
 * and only a connection that presents this session's id ever gets them.
 */
export class EventStream {
  private seq = 0;
  private readonly events: StoredEvent[] = [];
  private chars = 0;
  private writer: SseWriter | undefined;
  private done = false;

  constructor(
    readonly no: number,
    /** The client stopped reading this stream and was cut off: its session must end. */
    private readonly onOverflow: () => void,
  ) {}

  get finished(): boolean {
    return this.done;
  }

  get connected(): boolean {
    return this.writer?.isOpen === true;
  }

  /** An event with an id and no data, so the client holds a resumption point before anything else arrives. */
  primingFrame(): string {
    return `id: ${this.no}-${this.seq}\ndata: \n\n`;
  }

  append(message: JsonRpcMessage): void {
    this.seq += 1;
    const frame = messageFrame(JSON.stringify(message), `${this.no}-${this.seq}`);
    this.events.push({ seq: this.seq, frame });
    this.chars += frame.length;
    while (this.events.length > 1 && (this.events.length > MAX_EVENTS || this.chars > MAX_CHARS)) {
      this.chars -= (this.events.shift() as StoredEvent).frame.length;
    }
    this.writer?.write(frame);
  }

  /**
   * Hands the stream to a new connection, replaying what came after `afterSeq`. A previous
   * connection of the same stream is ended: the client that resumes has given up on it.
   */
  attach(writer: SseWriter, afterSeq?: number): void {
    if (this.writer !== undefined && this.writer !== writer) this.writer.end();
    this.writer = writer;
    if (afterSeq !== undefined) {
      for (const event of this.events) if (event.seq > afterSeq) writer.write(event.frame);
    }
    if (this.done) this.finish();
  }

  detach(writer: SseWriter): void {
    if (this.writer === writer) this.writer = undefined;
    if (writer.overflowed) this.onOverflow();
  }

  /** The stream carried everything it will carry (all responses sent, or the session ended). */
  finish(): void {
    this.done = true;
    this.writer?.end();
    this.writer = undefined;
  }
}

/** `<streamNo>-<seq>` back into numbers; undefined for anything this gateway did not issue. */
export function parseEventId(value: string): { no: number; seq: number } | undefined {
  const match = /^(\d{1,9})-(\d{1,15})$/.exec(value);
  if (match === null) return undefined;
  return { no: Number(match[1]), seq: Number(match[2]) };
}
