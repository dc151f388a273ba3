import type { LogLine } from '../../core/api.js';

/**
 * A log line as text; `--timestamps` prefixes the time the daemon captured it. A message the server
 * sent (notifications/message, stream `mcp.LEVEL`) starts with its level: `[warning] ...`.
 */
export function formatLogLine(line: LogLine, timestamps: boolean): string {
  const text = line.stream.startsWith('mcp.') ? `[${line.stream.slice(4)}] ${line.text}` : line.text;
  return timestamps ? `${line.time ?? '-'} ${text}` : text;
}
