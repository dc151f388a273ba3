import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../../src/core/alerts/ruleGrammar.js';
import { failure } from '../../../helpers/errors.js';

describe('the --when grammar', () => {
  it('parses each kind of condition', () => {
    expect(parseCondition('restarts > 3 in 10m')).toEqual({ metric: 'restarts', op: '>', count: 3, windowMs: 600_000 });
    expect(parseCondition('down for 30s')).toEqual({ metric: 'down', forMs: 30_000 });
    expect(parseCondition('error-rate >= 5% in 5m')).toEqual({
      metric: 'error-rate',
      op: '>=',
      ratio: 0.05,
      windowMs: 300_000,
    });
    expect(parseCondition('error-rate > 0.1 in 1m')).toMatchObject({ ratio: 0.1 });
    expect(parseCondition('p95 > 500ms in 5m')).toEqual({ metric: 'p95', op: '>', ms: 500, windowMs: 300_000 });
    expect(parseCondition('memory > 512MB')).toEqual({ metric: 'memory', op: '>', bytes: 512_000_000 });
    expect(parseCondition('memory>1GiB')).toEqual({ metric: 'memory', op: '>', bytes: 1024 ** 3 });
    expect(parseCondition('sessions > 100')).toEqual({ metric: 'sessions', op: '>', count: 100 });
  });

  it.each([
    ['restarts > x in 10m', 12, "expected a whole number, found 'x'"],
    ['restarts > 3', 13, "expected 'in', found the end of the rule"],
    ['restarts < 3 in 10m', 10, "expected '>' or '>=', found '<'"],
    ['restarts > 3 in 10', 17, "expected a window like 10m, found '10'"],
    ['uptime > 3', 1, 'expected a metric (restarts, down, error-rate, p95, memory, sessions)'],
    ['error-rate > 150% in 1m', 14, "expected at most 100%, found '150%'"],
    ['memory > 12 MB', 10, "expected a size like 512MB or 1GiB, found '12'"],
    ['down for 30s now', 14, "expected the end of the rule, found 'now'"],
    ['', 1, 'expected a metric (restarts, down, error-rate, p95, memory, sessions), found the end of the rule'],
  ])('refuses %j at column %i', (text, column, expected) => {
    const error = failure(() => parseCondition(text));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`at column ${column}: ${expected}`);
    expect(error.hint?.split('\n')[1]).toBe(`${' '.repeat(column - 1)}^`);
  });
});
