import { describe, expect, it } from 'vitest';
import { quoteArgv, quoteWord } from '../../../../src/cli/output/shellQuote.js';

describe('quoteArgv', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(quoteArgv(['npx', '-y', '@scope/pkg@1.2', '--root=/srv'])).toBe('npx -y @scope/pkg@1.2 --root=/srv');
    expect(quoteArgv(['node', '-e', 'console.log("hi")'])).toBe(`node -e 'console.log("hi")'`);
  });

  it('quotes empty words and embedded single quotes so a shell reads them back', () => {
    expect(quoteWord('')).toBe("''");
    expect(quoteWord("it's")).toBe(`'it'\\''s'`);
    expect(quoteWord('$HOME')).toBe("'$HOME'");
  });
});
