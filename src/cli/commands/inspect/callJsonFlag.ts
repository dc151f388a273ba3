/** Root options that take a value: the word after them is not the verb. */
const ROOT_VALUE_OPTIONS = new Set(['-o', '--output']);

/**
 * `mcpctl call ... --json ARGS`: the root's `--json` (same as -o json) is a flag of every command,
 * so commander would take it before `call` could. Within `call`, a `--json` followed by a value
 * (a word not starting with '-', or '-' for stdin) is rewritten to the verb's `--arguments-json`;
 * a bare `--json` keeps its root meaning. Stops at `--`.
 */
export function routeCallJsonFlag(argv: readonly string[]): string[] {
  let verbAt = -1;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '--') return [...argv];
    if (ROOT_VALUE_OPTIONS.has(arg)) index += 1;
    else if (!arg.startsWith('-')) {
      verbAt = index;
      break;
    }
  }
  if (argv[verbAt] !== 'call') return [...argv];
  const routed = [...argv];
  for (let index = verbAt + 1; index < routed.length; index += 1) {
    const arg = routed[index] ?? '';
    if (arg === '--') break;
    if (arg.startsWith('--json=')) routed[index] = `--arguments-json=${arg.slice('--json='.length)}`;
    else if (arg === '--json') {
      const value = routed[index + 1];
      if (value !== undefined && (value === '-' || !value.startsWith('-'))) {
        routed[index] = '--arguments-json';
        index += 1;
      }
    }
  }
  return routed;
}
