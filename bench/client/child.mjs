// What each bench client process shares: the first errors it met, and its result as one JSON line
// on stdout, which the parent reads (a fatal error comes out the same way, with the errors noted).
export const errors = [];

/** Keeps the first five errors: enough to tell what went wrong without flooding the report. */
export const note = (where, error) => {
  if (errors.length < 5) errors.push(`${where}: ${error?.message ?? error}`);
};

/** Writes what `run` resolves with as one JSON line and exits 0; on a throw, writes `{fatal, errors}` and exits 1. */
export async function reportRun(run) {
  try {
    process.stdout.write(`${JSON.stringify(await run())}\n`);
    process.exit(0);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ fatal: String(error?.stack ?? error), errors })}\n`);
    process.exit(1);
  }
}
