import { setTimeout as delay } from 'node:timers/promises';
import { isDaemonNotRunning } from '../../daemon/ipc/clientErrors.js';
import type { RemoteEndpoint } from '../../daemon/ipc/controlClient.js';
import { McpctlError } from '../../shared/errors.js';
import { createRemoteApi } from '../remoteApi.js';

const POLL_MS = 100;
const CALL_TIMEOUT_MS = 5000;
const DEFAULT_TIMEOUT_MS = 10_000;

export interface RemoteStopResult {
  pid: number;
  url: string;
  /** A service manager started another daemon at once (its pid); null: nothing answers any more. */
  restartedAs: number | null;
}

/**
 * `daemon stop` against a remote context: the control API's daemonStop, which needs an admin
 * token like all daemon management (a 403 otherwise, nothing stopped), then waits until the
 * listener refuses connections. No pid file or signal here: the process is on another machine.
 * Nothing can start it again from here, which the caller says.
 */
export async function stopRemoteDaemon(
  endpoint: RemoteEndpoint,
  options: { timeoutMs?: number } = {},
): Promise<RemoteStopResult> {
  const api = createRemoteApi(endpoint, { timeoutMs: CALL_TIMEOUT_MS });
  const { pid } = await api.daemonStatus({});
  let drainMs = 0;
  try {
    drainMs = (await api.daemonStop({})).drainTimeoutMs;
  } catch (error) {
    // A daemon may close the connection on its way out before the answer is flushed.
    if (!(error instanceof McpctlError && error.code === 'DAEMON_UNREACHABLE')) throw error;
  }
  const waitMs = drainMs + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await delay(POLL_MS);
    try {
      const now = await api.daemonStatus({});
      if (now.pid !== pid) return { pid, url: endpoint.url, restartedAs: now.pid };
    } catch (error) {
      if (isDaemonNotRunning(error)) return { pid, url: endpoint.url, restartedAs: null };
      // Still going down (a connection cut mid-answer, a slow answer): ask again.
      if (!(error instanceof McpctlError && (error.code === 'DAEMON_UNREACHABLE' || error.code === 'TIMEOUT'))) {
        throw error;
      }
    }
  }
  throw new McpctlError('TIMEOUT', `the daemon at ${endpoint.url} (pid ${pid}) did not stop within ${waitMs} ms`, {
    hint: "it may still be stopping servers: check 'mcpctl daemon logs' (with this context), or look on its host",
  });
}
