import { formatDuration, parseDuration } from '../shared/duration.js';
import { McpctlError } from '../shared/errors.js';

/** Flag values are checked here, before any daemon is contacted, so bad input fails fast with exit 2. */
function invalid(flag: string, value: string, expected: string, hint?: string): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', `invalid ${flag} '${value}': ${expected}`, {
    hint: hint ?? `run with --help to see what ${flag} accepts`,
  });
}

/** commander argParser for repeatable flags (`--env A=1 --env B=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseIntegerFlag(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const trimmed = value.trim();
  const number = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min) throw invalid(flag, value, `must be an integer >= ${min}`);
  if (number > max) throw invalid(flag, value, `must be an integer between ${min} and ${max}`);
  return number;
}

/** A number without its unit: refused with a hint, since 10 could mean 10 ms or 10 s. */
function bareNumber(flag: string, value: string): McpctlError | undefined {
  const trimmed = value.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return invalid(flag, value, 'a duration needs its unit', `write ${flag} ${trimmed}s (or ${trimmed}ms, ${trimmed}m)`);
}

/** Milliseconds from `500ms`, `10s`, `5m`, `1h`, `1d`; a bare number is refused. */
export function parseDurationFlag(flag: string, value: string, bounds: { min?: number; max?: number } = {}): number {
  const bare = bareNumber(flag, value);
  if (bare) throw bare;
  const ms = parseDuration(value);
  if (ms === undefined) throw invalid(flag, value, 'expected a duration like 500ms, 10s, 5m or 1h');
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = bounds;
  if (ms < min) throw invalid(flag, value, `must be at least ${formatDuration(min)}`);
  if (ms > max) throw invalid(flag, value, `must be at most ${formatDuration(max)}`);
  return ms;
}

/** `--since 10m` (that long ago) or an ISO 8601 instant; returns the instant as ISO for the API. */
export function parseSinceFlag(value: string, now: number): string {
  const bare = bareNumber('--since', value);
  if (bare) throw bare;
  const ms = parseDuration(value);
  if (ms !== undefined) return new Date(now - ms).toISOString();
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !Number.isNaN(Date.parse(value))) {
    return new Date(Date.parse(value)).toISOString();
  }
  throw invalid('--since', value, 'expected a duration like 10m or 2h, or a time like 2025-01-31T12:00:00Z');
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `512M`, `1.5G`, `800K` (powers of 1024; a trailing B or iB is allowed), or `0`/`off` for no limit: bytes. */
export function parseSizeFlag(flag: string, value: string): number {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === '0' || trimmed === 'off') return 0;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/.exec(trimmed);
  const bytes = match ? Math.round(Number(match[1]) * (SIZE_UNITS[match[2] ?? ''] ?? 1)) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1024 * 1024) {
    throw invalid(flag, value, 'expected a size of at least 1M like 512M or 2G, or 0 for no limit');
  }
  return bytes;
}

/** `KEY=VALUE` (the value may contain `=`, and may be empty). */
export function parseKeyValue(flag: string, value: string): [string, string] {
  const index = value.indexOf('=');
  if (index <= 0) throw invalid(flag, value, 'expected KEY=VALUE', `write it as ${flag} KEY=VALUE`);
  return [value.slice(0, index), value.slice(index + 1)];
}

/** `Name: value`, as in HTTP: the name before the first colon, spaces around the value dropped. */
export function parseHeader(value: string): [string, string] {
  const index = value.indexOf(':');
  const name = index < 0 ? '' : value.slice(0, index).trim();
  if (!name)
    throw invalid('--header', value, "expected 'Name: value'", "write it as --header 'Authorization: Bearer ...'");
  return [name, value.slice(index + 1).trim()];
}

export function parseChoice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(flag, value, `must be one of ${allowed.join(', ')}`);
}
