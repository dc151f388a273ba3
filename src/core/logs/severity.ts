import type { LogLine } from '../../daemon/monitor/logLine.js';
import { levelRank } from '../../protocol/multiplex/logLevels.js';
import { McpctlError } from '../../shared/errors.js';

/**
 * One vocabulary of severities for every log mcpctl shows: MCP's (RFC 5424, most verbose first).
 * The other spellings users and loggers write map onto it: pino's `trace`/`warn`/`fatal`, syslog's
 * short forms.
 */
export const SEVERITIES = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type Severity = (typeof SEVERITIES)[number];

const ALIASES: Record<string, Severity> = {
  trace: 'debug',
  verbose: 'debug',
  information: 'info',
  warn: 'warning',
  err: 'error',
  crit: 'critical',
  fatal: 'critical',
  panic: 'emergency',
  emerg: 'emergency',
};

/** A level word in any accepted spelling (case ignored), or undefined. */
export function severityOf(word: string): Severity | undefined {
  const key = word.toLowerCase();
  if (levelRank(key) !== undefined) return key as Severity;
  return ALIASES[key];
}

/** `--level`, `--log-level` and settings values: a level word, or exit 2 listing them. */
export function parseSeverity(flag: string, word: string): Severity {
  const found = severityOf(word);
  if (found) return found;
  throw new McpctlError('INVALID_ARGUMENT', `invalid ${flag} '${word}'`, {
    hint: `use one of ${SEVERITIES.join(', ')} (warn, err, fatal and trace are accepted too)`,
  });
}

export function severityRank(level: Severity): number {
  return levelRank(level) ?? 0;
}

/**
 * The level a plain line states: a level word at its head (after an optional timestamp and a
 * bracket: `ERROR ...`, `[warn] ...`, `2026-01-01 12:00:00 INFO ...`), or a `level=` / `"level":`
 * field. A line that states none is `info`: stderr carries a server's ordinary chatter as much as
 * its errors, and calling it all an error would make `--level error` useless.
 */
export function textSeverity(text: string): Severity {
  const head = HEAD.exec(text);
  const word = head?.[1] ?? FIELD.exec(text)?.[1];
  return (word === undefined ? undefined : severityOf(word)) ?? 'info';
}

const WORDS =
  'debug|trace|verbose|info|information|notice|warning|warn|error|err|critical|crit|fatal|alert|emergency|emerg|panic';
// A timestamp (one or two words), a bracketed tag (`[filesystem]`, as Claude Desktop writes), then the level.
const HEAD = new RegExp(
  `^\\s*(?:\\[?[\\d/:.,TZ+-]+\\]?\\s+){0,2}(?:\\[[^\\]\\s]+\\]\\s+)?[[(<]?\\s*(${WORDS})\\b`,
  'i',
);
const FIELD = new RegExp(`["']?level["']?\\s*[:=]\\s*["']?(${WORDS})\\b`, 'i');

/** Stream prefix of a captured `notifications/message`: `mcp.warning`. */
export const MESSAGE_STREAM_PREFIX = 'mcp.';

/**
 * A log line's level: a captured MCP message carries it in its stream (`mcp.error`), the daemon's
 * pino lines in their `level` field, any other line (stderr, stdout, mcpctl's own) by textSeverity.
 */
export function lineSeverity(line: LogLine): Severity {
  if (line.stream.startsWith(MESSAGE_STREAM_PREFIX)) {
    return severityOf(line.stream.slice(MESSAGE_STREAM_PREFIX.length)) ?? 'info';
  }
  if (line.stream === 'daemon') {
    const word = PINO_LEVEL.exec(line.text)?.[1];
    return (word === undefined ? undefined : severityOf(word)) ?? 'info';
  }
  return textSeverity(line.text);
}
const PINO_LEVEL = /"level":"(\w+)"/;
