import { capYoungGeneration } from '../../../core/daemonHeap.js';
import { recordDaemonFailure } from '../../../core/daemonLogFile.js';
import { toMcpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { type DaemonFlags, withGatewayPort } from './gatewayPort.js';

/** The daemon in the foreground (systemd, launchd, containers, tests) until SIGINT/SIGTERM or `daemon stop`. */
export async function runDaemonInForeground(inv: Invocation, flags: DaemonFlags = {}): Promise<void> {
  const { ctx } = inv;
  // Before the daemon's modules load: loading them would already grow the young generation.
  capYoungGeneration();
  try {
    const { runDaemon } = await import('../../../core/host.js');
    await runDaemon({
      paths: ctx.paths,
      version: ctx.version,
      signal: ctx.signal,
      self: ctx.self,
      env: withGatewayPort(ctx.env, flags),
    });
  } catch (thrown) {
    const error = toMcpctlError(thrown);
    // Another daemon of this home runs (or won a start race), or a signal ended the start:
    // nothing failed that the log should say.
    if (error.code !== 'DAEMON_RUNNING' && !ctx.signal.aborted) recordDaemonFailure(ctx.paths, error);
    throw thrown;
  }
}
