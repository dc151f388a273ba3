import type { ClientEnv } from '../../../core/clients/catalog.js';
import type { CliContext } from '../../io.js';

/** The CLI edits the files of the user who runs it: their environment, platform and project folder. */
export function clientEnv(ctx: CliContext): ClientEnv {
  return { env: ctx.env, platform: ctx.platform, cwd: ctx.cwd };
}
