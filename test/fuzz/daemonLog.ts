import { existsSync, readFileSync } from 'node:fs';

/**
 * The error and fatal entries of the daemon's log: a fault the daemon hid behind a proper 4xx
 * (an exception caught and logged while answering) shows here. Rotated files are not read: the
 * fuzz runs stay far below the rotation size.
 */
export function daemonErrors(logFile: string): string[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => /"level":\s*("warn"|"error"|"fatal"|40|50|60)\b/.test(line))
    .map((line) => line.slice(0, 2000));
}
