import { describe, expect, it } from 'vitest';
import {
  collect,
  parseDurationFlag,
  parseHeader,
  parseIntegerFlag,
  parseKeyValue,
  parseSinceFlag,
} from '../../../src/cli/flags.js';
import { failure } from '../../helpers/errors.js';

describe('parseIntegerFlag', () => {
  it('accepts integers in range', () => {
    expect(parseIntegerFlag('--tail', '0', 0)).toBe(0);
    expect(parseIntegerFlag('--tail', ' 25 ', 0)).toBe(25);
  });

  it.each(['-1', '1.5', 'ten', '', '1e3', '0x10'])('rejects %j with exit 2 and the flag named', (value) => {
    const error = failure(() => parseIntegerFlag('--max-restarts', value, 0));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`invalid --max-restarts '${value}': must be an integer >= 0`);
  });

  it('names both bounds when the value is too large', () => {
    expect(failure(() => parseIntegerFlag('--tail', '200001', 0, 100_000)).message).toBe(
      "invalid --tail '200001': must be an integer between 0 and 100000",
    );
  });
});

describe('parseDurationFlag and parseSinceFlag', () => {
  it('reads durations into milliseconds within bounds', () => {
    expect(parseDurationFlag('--stop-grace', '10s')).toBe(10_000);
    expect(parseDurationFlag('--stop-grace', '250ms')).toBe(250);
    expect(failure(() => parseDurationFlag('--start-timeout', 'soon')).message).toBe(
      "invalid --start-timeout 'soon': expected a duration like 500ms, 10s, 5m or 1h",
    );
    expect(failure(() => parseDurationFlag('--watch', '10ms', { min: 100 })).message).toBe(
      "invalid --watch '10ms': must be at least 100ms",
    );
    expect(failure(() => parseDurationFlag('--backoff-max', '2d', { max: 86_400_000 })).message).toBe(
      "invalid --backoff-max '2d': must be at most 1d0h",
    );
  });

  it.each([
    ['--start-timeout', '10'],
    ['--stop-grace', '0'],
    ['--watch', '2.5'],
    ['--since', '10'],
  ])('refuses the bare number %s %s with a hint to write its unit', (flag, value) => {
    const error = failure(() =>
      flag === '--since' ? parseSinceFlag(value, Date.now()) : parseDurationFlag(flag, value),
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`invalid ${flag} '${value}': a duration needs its unit`);
    expect(error.hint).toBe(`write ${flag} ${value}s (or ${value}ms, ${value}m)`);
  });

  it('turns --since into an ISO instant: a duration ago, or a given time', () => {
    const now = Date.parse('2025-01-31T12:00:00.000Z');
    expect(parseSinceFlag('10m', now)).toBe('2025-01-31T11:50:00.000Z');
    expect(parseSinceFlag('2025-01-30T08:00:00+01:00', now)).toBe('2025-01-30T07:00:00.000Z');
    expect(failure(() => parseSinceFlag('yesterday', now)).exitCode).toBe(2);
  });
});

describe('pairs', () => {
  it('splits KEY=VALUE at the first = and keeps empty values', () => {
    expect(parseKeyValue('--env', 'A=b=c')).toEqual(['A', 'b=c']);
    expect(parseKeyValue('--env', 'EMPTY=')).toEqual(['EMPTY', '']);
    expect(failure(() => parseKeyValue('--env', 'NOEQUALS')).message).toBe(
      "invalid --env 'NOEQUALS': expected KEY=VALUE",
    );
    expect(failure(() => parseKeyValue('--env', '=x')).exitCode).toBe(2);
  });

  it("splits 'Name: value' headers at the first colon", () => {
    expect(parseHeader('Authorization: Bearer a:b')).toEqual(['Authorization', 'Bearer a:b']);
    expect(parseHeader('X-Empty:')).toEqual(['X-Empty', '']);
    expect(failure(() => parseHeader('Authorization Bearer')).message).toBe(
      "invalid --header 'Authorization Bearer': expected 'Name: value'",
    );
  });

  it('collects repeated flags in order', () => {
    expect(collect('B=2', collect('A=1', []))).toEqual(['A=1', 'B=2']);
  });
});
