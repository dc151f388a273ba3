import { splitLines } from '../../daemon/monitor/lineSplitter.js';
import { MASK } from '../servers/redact.js';
import type { ServerLogSink } from '../servers/stdioRunner.js';

/** Shorter values would mask ordinary words of a log line; a secret is longer than this anyway. */
const MIN_MASKED_LENGTH = 4;

/**
 * The server's log with the values of the secrets it was given masked in every line: a server that
 * prints its own token (a debug line, a crash dump of its env) does not put it in mcpctl's log files.
 */
export function maskingLog(log: ServerLogSink, values: readonly string[]): ServerLogSink {
  const secrets = [...new Set(values)]
    .filter((value) => value.length >= MIN_MASKED_LENGTH)
    .sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return log;
  const mask = (text: string): string =>
    secrets.reduce((line, secret) => (line.includes(secret) ? line.split(secret).join(MASK) : line), text);
  return {
    appendLine: (stream, text) => log.appendLine(stream, mask(text)),
    pipeLines: (readable, stream) => {
      void splitLines(readable, (text) => log.appendLine(stream, mask(text)));
    },
  };
}
