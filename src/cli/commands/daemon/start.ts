import { startDaemon } from '../../../core/daemonLifecycle.js';
import type { Invocation } from '../../invocation.js';
import { withGatewayPort } from './gatewayPort.js';

export async function startDaemonInBackground(inv: Invocation, flags: { gatewayPort?: string } = {}): Promise<void> {
  const { ctx } = inv;
  const result = await startDaemon({ paths: ctx.paths, self: ctx.self, env: withGatewayPort(ctx.env, flags) });
  if (inv.out.machine) return inv.out.data(result);
  const what = result.alreadyRunning ? 'daemon already running' : 'daemon started';
  inv.out.out(`${what} (pid ${result.pid}, socket ${result.socket})`);
}
