import { formatDuration } from '../../shared/duration.js';
import { McpctlError } from '../../shared/errors.js';
import type { RetryableFailure } from './backoff.js';
import type { Gone } from './gatewayLink.js';

/** Why `mcpctl connect` ends on its own: what the user reads on stderr, and the exit code. */

/** A 404's meaning as the end of the bridge; undefined for a session to be replaced. */
export function goneError(gone: Gone, sessionId: string | undefined, server: string): McpctlError | undefined {
  if (gone === 'killed') return sessionKilled(sessionId, server);
  return gone === 'server' ? serverRemoved(server) : undefined;
}

export function sessionKilled(id: string | undefined, server: string): McpctlError {
  return new McpctlError('INTERNAL', `session ${id ?? ''} of server '${server}' was killed (mcpctl session kill)`, {
    hint: `the client may start 'mcpctl connect ${server}' again for a new session`,
  });
}

export function serverRemoved(server: string): McpctlError {
  return new McpctlError('NOT_FOUND', `server '${server}' was removed from mcpctl`, {
    hint: `add it again ('mcpctl server add ${server} ...'), then restart the client's connection`,
  });
}

export function reconnectTimedOut(server: string, timeoutMs: number, last: RetryableFailure): McpctlError {
  const message = `lost the session to server '${server}' and could not open another within ${formatDuration(timeoutMs)}: ${last.message}`;
  if (!last.network) {
    return new McpctlError('SERVER_FAILED', message, {
      hint: `see 'mcpctl server show ${server}' and 'mcpctl logs ${server}'`,
    });
  }
  return new McpctlError('DAEMON_UNREACHABLE', message, {
    hint: `start the daemon ('mcpctl daemon start'); the client may then start 'mcpctl connect ${server}' again`,
  });
}
