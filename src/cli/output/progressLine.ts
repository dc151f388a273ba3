import type { Writer } from '../io.js';

export interface ProgressLine {
  update(progress: { progress: number; total?: number; message?: string }): void;
  /** Erases the line, if one was drawn, before the result is printed. */
  clear(): void;
}

/** One line on stderr redrawn in place; nothing at all when stderr is not a terminal (a log stays clean). */
export function createProgressLine(stderr: Writer, isTTY: boolean): ProgressLine {
  let drawn = false;
  return {
    update({ progress, total, message }) {
      if (!isTTY) return;
      const amount = total ? `${progress}/${total} (${Math.round((progress / total) * 100)}%)` : String(progress);
      stderr.write(`\r\x1b[Kprogress ${amount}${message ? ` ${message}` : ''}`);
      drawn = true;
    },
    clear() {
      if (drawn) stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}
