import { installService } from '../../../core/serviceUnits.js';
import type { Invocation } from '../../invocation.js';
import { printServiceResult } from './service.js';

/** Installs a user service (systemd user unit, launchd agent) that runs `mcpctl daemon run` at login. */
export async function installDaemonService(inv: Invocation, flags: { dryRun?: true }): Promise<void> {
  const { ctx } = inv;
  const dryRun = flags.dryRun === true;
  const result = await installService({ platform: ctx.platform, dryRun, self: ctx.self, env: ctx.env });
  await printServiceResult(inv, result, dryRun, 'install');
}
