import { profileOfTarget } from '../../daemon/gateway/route.js';
import type { StoredSession } from '../../store/types.js';
import type { SessionView } from '../api.js';
import type { LiveSession } from './gatewayControl.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A session the gateway holds now: open by definition. */
export function liveSessionView(session: LiveSession): SessionView {
  return {
    id: session.id,
    server: session.server,
    profile: session.profile,
    transport: session.transport,
    state: 'open',
    clientName: session.clientName,
    clientVersion: session.clientVersion,
    protocolVersion: session.protocolVersion,
    startedAt: iso(session.startedAt),
    lastActivity: iso(session.lastActivity),
    idleSince: session.idleSince === null ? null : iso(session.idleSince),
    closedAt: null,
    closeReason: null,
    requests: session.requests,
    errors: session.errors,
  };
}

/** A session from the history; an open row is one whose close has not been written yet. */
export function storedSessionView(row: StoredSession): SessionView {
  return {
    id: row.id,
    server: row.server,
    profile: profileOfTarget(row.server) ?? null,
    // The store keeps the transport as text; only these two values are ever written.
    transport: row.transport === 'sse' ? 'sse' : 'streamable-http',
    state: row.closedAt === null ? 'open' : 'closed',
    clientName: row.clientName,
    clientVersion: row.clientVersion,
    protocolVersion: row.protocolVersion,
    startedAt: row.startedAt,
    lastActivity: row.lastActivity,
    // Only the gateway knows whether a session has a stream open.
    idleSince: null,
    closedAt: row.closedAt,
    closeReason: row.closeReason,
    requests: row.requests,
    errors: row.errors,
  };
}
