/**
 * Code-point order for ASCII names (server names, states). Not `localeCompare`: its first
 * call builds an ICU collator, ~13 ms of a CLI command's start-up.
 */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
