import { stopDaemon } from '../../../core/daemonLifecycle.js';
import type { Invocation } from '../../invocation.js';

/** Stopping a daemon that is not running is not an error (the goal, "stopped", holds): exit 0. */
export async function stopDaemonGracefully(inv: Invocation): Promise<void> {
  const result = await stopDaemon({ paths: inv.ctx.paths });
  const summary = 'pid' in result ? { wasRunning: true, pid: result.pid } : { wasRunning: false };
  if (inv.out.machine) return inv.out.data(summary);
  if ('pid' in result) inv.out.out(`daemon stopped (pid ${result.pid})`);
  else inv.out.note('daemon is not running');
}
