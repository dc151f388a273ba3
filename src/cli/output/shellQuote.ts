const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word so a POSIX shell would read it back unchanged. For display only: argv is never run through a shell. */
export function quoteWord(word: string): string {
  if (word === '') return "''";
  if (SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}
