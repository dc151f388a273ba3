import { uninstallService } from '../../../core/serviceUnits.js';
import type { Invocation } from '../../invocation.js';
import { printServiceResult } from './service.js';

export async function uninstallDaemonService(inv: Invocation, flags: { dryRun?: true }): Promise<void> {
  const { ctx } = inv;
  const dryRun = flags.dryRun === true;
  const result = await uninstallService({ platform: ctx.platform, dryRun, env: ctx.env });
  await printServiceResult(inv, result, dryRun, 'uninstall');
}
