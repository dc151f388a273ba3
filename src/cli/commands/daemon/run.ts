import { runDaemon } from '../../../core/host.js';
import type { Invocation } from '../../invocation.js';

/** The daemon in the foreground (systemd, launchd, containers, tests) until SIGINT/SIGTERM or `daemon stop`. */
export async function runDaemonInForeground(inv: Invocation): Promise<void> {
  await runDaemon({ paths: inv.ctx.paths, version: inv.ctx.version, signal: inv.ctx.signal });
}
