import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Integration and e2e tests run the built binary: build it once if it is missing.
 * A failed build is reported but does not stop unit tests from running.
 */
export default function setup(): void {
  // dist/ui/ too: the dashboard's browser test needs the UI bundle a build from before it lacks.
  if (existsSync('dist/mcpctl.js') && existsSync('dist/ui/index.html')) return;
  try {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  } catch {
    process.stderr.write('globalSetup: the build failed; tests that run dist/mcpctl.js will fail\n');
  }
}
