import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small file system of its own (tmpfs, needs root), to make "disk full" real. */
export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the file system is full (ENOSPC). */
  fill(): void;
  /** Removes the filler: space is back. */
  free(): void;
  unmount(): void;
}

/**
 * Mounts a tmpfs of `size` (e.g. '2m') on `at` (an empty folder; a new temp one by default),
 * or returns why it cannot (not root, no tmpfs): the caller skips.
 */
export function mountSmallDisk(size: string, at?: string): SmallDisk | { skip: string } {
  const dir = at ?? mkdtempSync(join(tmpdir(), 'mcpctl-full-'));
  const removeDir = () => {
    if (at === undefined) rmdirSync(dir);
  };
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    removeDir();
    return { skip: `cannot mount a tmpfs to fill (needs root): ${(error as Error).message.split('\n')[0]}` };
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      removeDir();
    },
  };
}
