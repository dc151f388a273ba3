import { eachLineBackward } from './backwardLines.js';
import { type LogLine, parseJsonLine, parseServerLine } from './logLine.js';

export interface ReadLogOptions {
  /** Only the newest N lines. */
  tail?: number | undefined;
  /** Only lines at or after this time. */
  since?: Date | undefined;
  /** How many rotated files (path.1 … path.keep) to look into. */
  keep: number;
  /** 'server': `<ISO> <stream> <text>` lines; 'json': the daemon's pino log. */
  format: 'server' | 'json';
  /** Only the lines it keeps (`tail` counts those). */
  filter?: ((line: LogLine) => boolean) | undefined;
}

/**
 * Lines of a log and its rotated files, oldest first. Reads newest-first and stops as
 * soon as `tail` lines are found or a line older than `since` appears (lines are written
 * in time order), so a short tail of a large log stays cheap. A missing file is empty.
 */
export function readLogLines(path: string, options: ReadLogOptions): LogLine[] {
  const { tail, since, keep, format, filter } = options;
  if (tail !== undefined && tail <= 0) return [];
  const parse = format === 'json' ? parseJsonLine : parseServerLine;
  const sinceMs = since?.getTime();
  const newestFirst: LogLine[] = [];
  const visit = (raw: string): boolean => {
    const line = parse(raw);
    // An undated line (cut by a crash) cannot be placed: keep it when its neighbours are kept.
    if (sinceMs !== undefined && line.time !== null && Date.parse(line.time) < sinceMs) return false;
    if (filter !== undefined && !filter(line)) return true;
    newestFirst.push(line);
    return tail === undefined || newestFirst.length < tail;
  };
  const files = [path];
  for (let index = 1; index <= keep; index++) files.push(`${path}.${index}`);
  for (const file of files) {
    if (eachLineBackward(file, visit)) break;
  }
  return newestFirst.reverse();
}
