import { capYoungGeneration } from '../../../core/daemonHeap.js';
import type { Invocation } from '../../invocation.js';
import { withGatewayPort } from './gatewayPort.js';

/** The daemon in the foreground (systemd, launchd, containers, tests) until SIGINT/SIGTERM or `daemon stop`. */
export async function runDaemonInForeground(inv: Invocation, flags: { gatewayPort?: string } = {}): Promise<void> {
  const { ctx } = inv;
  // Before the daemon's modules load: loading them would already grow the young generation.
  capYoungGeneration();
  const { runDaemon } = await import('../../../core/host.js');
  await runDaemon({ paths: ctx.paths, version: ctx.version, signal: ctx.signal, env: withGatewayPort(ctx.env, flags) });
}
