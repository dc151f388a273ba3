import {
  closeSync,
  existsSync,
  fchmodSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface RotatingFileOptions {
  path: string;
  /** A write that would take the file past this size goes to a fresh file. */
  maxBytes: number;
  /** How many rotated files (path.1 … path.keep) to keep; older ones are deleted. */
  keep: number;
  /** Told about a failed write (disk full, file removed). Logging never throws into its caller. */
  onError?: (error: unknown) => void;
}

/**
 * An append-only file rotated by size. Writes are synchronous so that a crash loses
 * nothing already written; it has the `write(string)` that pino takes as a destination.
 */
export class RotatingFile {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  readonly #onError: (error: unknown) => void;
  #fd: number | null = null;
  #size = 0;
  #closed = false;
  /** The last write stopped mid-line (ENOSPC after a partial write). */
  #cut = false;

  constructor(options: RotatingFileOptions) {
    this.path = options.path;
    this.#maxBytes = options.maxBytes;
    this.#keep = Math.max(0, Math.floor(options.keep));
    this.#onError = options.onError ?? (() => {});
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
  }

  /** Opens the file at the first write: a server that never writes leaves no empty log behind. */
  write(text: string): void {
    if (this.#closed) return;
    try {
      const bytes = Buffer.byteLength(text);
      let fd = this.#fd ?? this.#open();
      if (this.#size > 0 && this.#size + bytes > this.#maxBytes) {
        this.#rotate();
        fd = this.#open();
        this.#cut = false;
      }
      // A full disk may take part of a line: end it, so the next line starts on its own.
      const line = this.#cut ? `\n${text}` : text;
      const written = writeSync(fd, line);
      this.#size += written;
      this.#cut = written < Buffer.byteLength(line);
    } catch (error) {
      // Reopen on the next write: the file may have been removed or the disk freed.
      this.#release();
      this.#onError(error);
    }
  }

  close(): void {
    this.#closed = true;
    this.#release();
  }

  #open(): number {
    const fd = openSync(this.path, 'a', 0o600);
    // An existing file keeps its mode on open: logs may hold server output, so narrow it.
    fchmodSync(fd, 0o600);
    this.#fd = fd;
    this.#size = fstatSync(fd).size;
    return fd;
  }

  #release(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    try {
      closeSync(fd);
    } catch {
      // Already closed or gone: nothing left to release.
    }
  }

  /** path.(keep-1) → path.keep … path → path.1; the old path.keep is overwritten (dropped). */
  #rotate(): void {
    this.#release();
    if (this.#keep === 0) {
      rmSync(this.path, { force: true });
    } else {
      for (let index = this.#keep - 1; index >= 1; index--) {
        const from = `${this.path}.${index}`;
        if (existsSync(from)) renameSync(from, `${this.path}.${index + 1}`);
      }
      renameSync(this.path, `${this.path}.1`);
    }
  }
}

/** Deletes `path` and its rotated files (path.1, path.2...), whatever `keep` was when they were written. */
export function removeRotatedFiles(path: string): void {
  const name = basename(path);
  let entries: string[];
  try {
    entries = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry === name || (entry.startsWith(`${name}.`) && /^\d+$/.test(entry.slice(name.length + 1)))) {
      rmSync(join(dirname(path), entry), { force: true });
    }
  }
}
