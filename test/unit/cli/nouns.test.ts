import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import type { Invocation } from '../../../src/cli/invocation.js';
import { NOUNS, nounsFor } from '../../../src/cli/nouns.js';
import { buildProgram } from '../../../src/cli/program.js';
import { captureContext } from './testContext.js';

const noInvocation = (): Invocation => {
  throw new Error('not run');
};

/** Every top-level word (names and aliases) that a registration defines. */
function wordsOf(program: CommandUnknownOpts): string[] {
  return program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
}

describe('the noun table', () => {
  it.each(NOUNS.map((noun) => [noun.words[0], noun]))(
    '%s lists exactly the words its registration defines',
    async (_, noun) => {
      const program = new Command('mcpctl') as unknown as CommandUnknownOpts;
      (await noun.load())(program, noInvocation);
      expect(wordsOf(program).sort()).toEqual([...noun.words].sort());
    },
  );

  it('gives every word of the whole program to one noun (or to the program itself)', async () => {
    const program = await buildProgram(captureContext().ctx, { outputError: () => {} }, []);
    const own = new Set(['connect', 'version', 'help']);
    for (const word of wordsOf(program).filter((candidate) => !own.has(candidate))) {
      expect(nounsFor([word]), word).toHaveLength(1);
    }
  });

  it('finds the noun after global options, and loads all for help or an unknown word', () => {
    expect(nounsFor(['-o', 'json', 'ls'])[0]?.words).toContain('ls');
    expect(nounsFor(['--output', 'yaml', '--no-color', 'profile', 'ls'])[0]?.words).toContain('profile');
    expect(nounsFor([])).toBe(NOUNS);
    expect(nounsFor(['--help'])).toBe(NOUNS);
    expect(nounsFor(['help', 'server'])).toBe(NOUNS);
    expect(nounsFor(['sever', 'ls'])).toBe(NOUNS);
  });
});
