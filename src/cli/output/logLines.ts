import type { LogLine } from '../../core/api.js';

/** A log line as text; `--timestamps` prefixes the time the daemon captured it. */
export function formatLogLine(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${line.time ?? '-'} ${line.text}` : line.text;
}
