import { LineFeed } from './lineFeed.js';
import { type FollowableLog, type LogListener, parseJsonLine } from './logLine.js';
import { RotatingFile, type RotatingFileOptions } from './rotatingFile.js';

/**
 * The daemon's own log: pino writes JSON lines here (synchronously, through the rotating
 * file), and `daemon logs -f` follows them.
 */
export class JsonLogFile implements FollowableLog {
  readonly #file: RotatingFile;
  readonly #feed = new LineFeed();

  constructor(options: RotatingFileOptions) {
    this.#file = new RotatingFile(options);
  }

  get path(): string {
    return this.#file.path;
  }

  /** pino's destination: one call per record, ending in a newline. */
  write(chunk: string): void {
    this.#file.write(chunk);
    if (this.#feed.size === 0) return;
    for (const raw of chunk.split('\n')) {
      if (raw.length > 0) this.#feed.emit(parseJsonLine(raw));
    }
  }

  subscribe(listener: LogListener): () => void {
    return this.#feed.subscribe(listener);
  }

  close(): void {
    this.#feed.clear();
    this.#file.close();
  }
}
