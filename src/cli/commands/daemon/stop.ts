import { stopDaemon } from '../../../core/daemonLifecycle.js';
import type { Invocation } from '../../invocation.js';

/** Stopping a daemon that is not running is not an error (the goal, "stopped", holds): exit 0. */
export async function stopDaemonGracefully(inv: Invocation): Promise<void> {
  const remote = await inv.remote();
  if (remote !== undefined) {
    // Over the API with the context's token (admin only); an unreachable remote daemon is an error,
    // not "not running": from here a network fault and a stopped daemon look alike.
    const { stopRemoteDaemon } = await import('../../../core/contexts/remoteStop.js');
    const result = await stopRemoteDaemon(remote);
    if (inv.out.machine) return inv.out.data({ wasRunning: true, ...result });
    inv.out.out(`daemon stopped (pid ${result.pid} at ${result.url})`);
    if (result.restartedAs !== null) {
      inv.out.note(`its service manager started it again at once (pid ${result.restartedAs})`);
    } else {
      inv.out.note("a remote context cannot start it again: run 'mcpctl daemon start' on its host (or its service)");
    }
    return;
  }
  const result = await stopDaemon({ paths: inv.ctx.paths });
  const summary = 'pid' in result ? { wasRunning: true, pid: result.pid } : { wasRunning: false };
  if (inv.out.machine) return inv.out.data(summary);
  if ('pid' in result) inv.out.out(`daemon stopped (pid ${result.pid})`);
  else inv.out.note('daemon is not running');
}
