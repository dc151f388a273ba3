/**
 * How the gateway tells a client why a session id is unknown (404), so that `mcpctl connect`
 * can tell a session it should replace (daemon or server restarted) from one it must not
 * (killed by the user) and from a server that is gone. The codes are the ones the SDK's
 * transports use; `data.reason` is mcpctl's, documented in docs/architecture.md.
 */

/** 404 + this code: the session ended, expired or never existed. */
export const SESSION_NOT_FOUND = -32001;

/** `error.data.reason` of a 404 for a session that `mcpctl session kill` ended. */
export const SESSION_KILLED = 'killed';

export interface SessionEndData {
  reason: typeof SESSION_KILLED;
}
