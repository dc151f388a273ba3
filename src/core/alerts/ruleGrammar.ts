import { parseDuration } from '../../shared/duration.js';
import { McpctlError } from '../../shared/errors.js';

/**
 * The `--when` language, parsed by hand (no zod: the CLI checks a rule before it contacts the
 * daemon). One condition per rule:
 *
 *   restarts   OP COUNT    in DURATION     restarts > 3 in 10m
 *   down       for DURATION                 down for 30s       (not running while it should)
 *   error-rate OP PERCENT  in DURATION     error-rate > 5% in 5m
 *   p95        OP DURATION in DURATION     p95 > 500ms in 5m
 *   memory     OP SIZE                      memory > 512MB
 *   sessions   OP COUNT                     sessions > 100
 *
 * OP is `>` or `>=`. Errors name the 1-based column of the token that does not fit.
 */
export type Comparison = '>' | '>=';

export type Condition =
  | { metric: 'restarts'; op: Comparison; count: number; windowMs: number }
  | { metric: 'down'; forMs: number }
  | { metric: 'error-rate'; op: Comparison; ratio: number; windowMs: number }
  | { metric: 'p95'; op: Comparison; ms: number; windowMs: number }
  | { metric: 'memory'; op: Comparison; bytes: number }
  | { metric: 'sessions'; op: Comparison; count: number };

export const METRICS = ['restarts', 'down', 'error-rate', 'p95', 'memory', 'sessions'] as const;

export const WHEN_EXAMPLES =
  "'restarts > 3 in 10m', 'down for 30s', 'error-rate > 5% in 5m', 'p95 > 500ms in 5m', 'memory > 512MB', 'sessions > 100'";

interface Token {
  text: string;
  /** 1-based column of its first character. */
  column: number;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Words, numbers with their unit, and comparison operators; spaces between them are optional around operators. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /[<>=!]+|[^\s<>=!]+/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    tokens.push({ text: match[0], column: match.index + 1 });
  }
  return tokens;
}

class RuleParser {
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  fail(expected: string, token: Token | undefined = this.tokens[this.index]): never {
    const column = token?.column ?? this.source.length + 1;
    const found = token === undefined ? 'the end of the rule' : `'${token.text}'`;
    throw new McpctlError(
      'INVALID_ARGUMENT',
      `invalid --when '${this.source}': at column ${column}: expected ${expected}, found ${found}`,
      { hint: `${this.source}\n${' '.repeat(column - 1)}^\nrules look like ${WHEN_EXAMPLES}` },
    );
  }

  private next(expected: string): Token {
    const token = this.tokens[this.index];
    if (token === undefined) this.fail(expected);
    this.index++;
    return token;
  }

  keyword(word: string): void {
    const token = this.next(`'${word}'`);
    if (token.text.toLowerCase() !== word) this.fail(`'${word}'`, token);
  }

  comparison(): Comparison {
    const token = this.next("'>' or '>='");
    if (token.text !== '>' && token.text !== '>=') this.fail("'>' or '>='", token);
    return token.text;
  }

  count(): number {
    const token = this.next('a whole number');
    if (!/^\d+$/.test(token.text) || !Number.isSafeInteger(Number(token.text))) this.fail('a whole number', token);
    return Number(token.text);
  }

  duration(what = 'a duration like 30s or 10m'): number {
    const token = this.next(what);
    const ms = parseDuration(token.text);
    if (ms === undefined || ms <= 0) this.fail(what, token);
    return ms;
  }

  /** `5%` or a fraction `0.05`. */
  ratio(): number {
    const expected = 'a percentage like 5% (or a fraction like 0.05)';
    const token = this.next(expected);
    const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(token.text);
    if (!match) this.fail(expected, token);
    const value = Number(match[1]) / (match[2] === '%' ? 100 : 1);
    if (value > 1) this.fail('at most 100%', token);
    return value;
  }

  size(): number {
    const expected = 'a size like 512MB or 1GiB';
    const token = this.next(expected);
    const match = /^(\d+(?:\.\d+)?)([a-z]+)$/i.exec(token.text);
    const unit = match ? SIZE_UNITS[(match[2] as string).toLowerCase()] : undefined;
    if (!match || unit === undefined) this.fail(expected, token);
    return Math.round(Number(match[1]) * unit);
  }

  window(): number {
    this.keyword('in');
    return this.duration('a window like 10m');
  }

  end(): void {
    if (this.index < this.tokens.length) this.fail('the end of the rule');
  }

  condition(): Condition {
    const token = this.next(`a metric (${METRICS.join(', ')})`);
    const metric = token.text.toLowerCase();
    let condition: Condition;
    switch (metric) {
      case 'restarts':
        condition = { metric, op: this.comparison(), count: this.count(), windowMs: this.window() };
        break;
      case 'down':
        this.keyword('for');
        condition = { metric, forMs: this.duration() };
        break;
      case 'error-rate':
        condition = { metric, op: this.comparison(), ratio: this.ratio(), windowMs: this.window() };
        break;
      case 'p95':
        condition = {
          metric,
          op: this.comparison(),
          ms: this.duration('a latency like 500ms'),
          windowMs: this.window(),
        };
        break;
      case 'memory':
        condition = { metric, op: this.comparison(), bytes: this.size() };
        break;
      case 'sessions':
        condition = { metric, op: this.comparison(), count: this.count() };
        break;
      default:
        this.fail(`a metric (${METRICS.join(', ')})`, token);
    }
    this.end();
    return condition;
  }
}

/** Parses a `--when` rule; throws INVALID_ARGUMENT (exit 2) naming the column where it stops making sense. */
export function parseCondition(text: string): Condition {
  return new RuleParser(text, tokenize(text)).condition();
}

export function compare(value: number, op: Comparison, threshold: number): boolean {
  return op === '>' ? value > threshold : value >= threshold;
}
