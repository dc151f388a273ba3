import { startDaemon } from '../../../core/daemonLifecycle.js';
import type { Invocation } from '../../invocation.js';
import { type DaemonFlags, withGatewayPort } from './gatewayPort.js';

/** Prints where clients connect as well, so a script needs no second call to find the gateway. */
export async function startDaemonInBackground(inv: Invocation, flags: DaemonFlags = {}): Promise<void> {
  const { ctx } = inv;
  const result = await startDaemon({ paths: ctx.paths, self: ctx.self, env: withGatewayPort(ctx.env, flags) });
  const { gateway } = await (await inv.api({ autostart: false })).daemonStatus({});
  if (inv.out.machine) return inv.out.data({ ...result, gateway });
  const what = result.alreadyRunning ? 'daemon already running' : 'daemon started';
  const where = gateway === null ? '' : `, gateway ${gateway.url}`;
  inv.out.out(`${what} (pid ${result.pid}, socket ${result.socket}${where})`);
}
