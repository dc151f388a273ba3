import { formatDuration } from '../../shared/duration.js';
import { McpctlError } from '../../shared/errors.js';
import type { RetryableFailure } from './backoff.js';
import type { Gone } from './gatewayLink.js';

/** Why `mcpctl connect` ends on its own: what the user reads on stderr, and the exit code. */

/** What the bridge joins, as messages name it: a server, or a profile's aggregated endpoint. */
export interface BridgeTarget {
  server: string;
  profile?: boolean | undefined;
}

const label = (t: BridgeTarget): string => `${t.profile === true ? 'profile' : 'server'} '${t.server}'`;
const connectCommand = (t: BridgeTarget): string =>
  t.profile === true ? `mcpctl connect --profile ${t.server}` : `mcpctl connect ${t.server}`;

/** A 404's meaning as the end of the bridge; undefined for a session to be replaced. */
export function goneError(gone: Gone, sessionId: string | undefined, target: BridgeTarget): McpctlError | undefined {
  if (gone === 'killed') return sessionKilled(sessionId, target);
  return gone === 'server' ? serverRemoved(target) : undefined;
}

export function sessionKilled(id: string | undefined, target: BridgeTarget): McpctlError {
  return new McpctlError('INTERNAL', `session ${id ?? ''} of ${label(target)} was killed (mcpctl session kill)`, {
    hint: `the client may start '${connectCommand(target)}' again for a new session`,
  });
}

export function serverRemoved(target: BridgeTarget): McpctlError {
  const hint =
    target.profile === true
      ? `create it again ('mcpctl profile create ${target.server} ...'), then restart the client's connection`
      : `add it again ('mcpctl server add ${target.server} ...'), then restart the client's connection`;
  return new McpctlError('NOT_FOUND', `${label(target)} was removed from mcpctl`, { hint });
}

export function reconnectTimedOut(target: BridgeTarget, timeoutMs: number, last: RetryableFailure): McpctlError {
  const message = `lost the session to ${label(target)} and could not open another within ${formatDuration(timeoutMs)}: ${last.message}`;
  if (!last.network) {
    const server = target.server;
    return new McpctlError('SERVER_FAILED', message, {
      hint:
        target.profile === true
          ? `see 'mcpctl profile show ${server}'`
          : `see 'mcpctl server show ${server}' and 'mcpctl logs ${server}'`,
    });
  }
  return new McpctlError('DAEMON_UNREACHABLE', message, {
    hint: `start the daemon ('mcpctl daemon start'); the client may then start '${connectCommand(target)}' again`,
  });
}
