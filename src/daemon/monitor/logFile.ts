import { LineFeed } from './lineFeed.js';
import { splitLines } from './lineSplitter.js';
import { type FollowableLog, formatServerLine, type LogLine, type LogListener, toSingleLine } from './logLine.js';
import { RotatingFile, type RotatingFileOptions, removeRotatedFiles } from './rotatingFile.js';

export interface ServerLogFileOptions extends RotatingFileOptions {
  /** Whether a line is kept (its server's log level); asked at each line, so a change applies at once. */
  admit?: (stream: string, text: string) => boolean;
}

/**
 * The log of one target (a server): `<ISO time> <stream> <text>` lines in a rotating
 * file, and the same lines to whoever follows it.
 */
export class ServerLogFile implements FollowableLog {
  readonly #file: RotatingFile;
  readonly #feed = new LineFeed();
  readonly #admit: ((stream: string, text: string) => boolean) | undefined;

  constructor(options: ServerLogFileOptions) {
    const { admit, ...file } = options;
    this.#file = new RotatingFile(file);
    this.#admit = admit;
  }

  get path(): string {
    return this.#file.path;
  }

  /** Writes one line (stream names are single words; text is made one line of ≤ 64 KiB); undefined when not admitted. */
  appendLine(stream: string, text: string, time: Date = new Date()): LogLine | undefined {
    return this.#append(stream, text, time, 0);
  }

  subscribe(listener: LogListener): () => void {
    return this.#feed.subscribe(listener);
  }

  /** Logs every line of a child's stream (stderr, or stdout of a non-MCP process). Resolves at its end. */
  pipeLines(readable: NodeJS.ReadableStream, stream: string): Promise<void> {
    return splitLines(readable, (text, dropped) => {
      this.#append(stream, text, new Date(), dropped);
    });
  }

  close(): void {
    this.#feed.clear();
    this.#file.close();
  }

  /** Closes it and deletes its files: what a removed server printed is not shown for the next one of its name. */
  remove(): void {
    this.close();
    removeRotatedFiles(this.#file.path);
  }

  #append(stream: string, text: string, time: Date, dropped: number): LogLine | undefined {
    if (this.#admit !== undefined && !this.#admit(stream, text)) return undefined;
    const line: LogLine = {
      time: time.toISOString(),
      stream: stream.replace(/\s/g, '_') || '-',
      text: toSingleLine(text, dropped),
    };
    this.#file.write(formatServerLine(line));
    this.#feed.emit(line);
    return line;
  }
}
