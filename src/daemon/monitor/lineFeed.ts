import type { LogLine, LogListener } from './logLine.js';

/** The followers of one log. A listener that throws is dropped, never breaks the writer. */
export class LineFeed {
  readonly #listeners = new Set<LogListener>();

  subscribe(listener: LogListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(line: LogLine): void {
    for (const listener of this.#listeners) {
      try {
        listener(line);
      } catch {
        this.#listeners.delete(listener);
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }

  clear(): void {
    this.#listeners.clear();
  }
}
