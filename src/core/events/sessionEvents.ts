import type { NewEvent } from '../../store/types.js';
import type { SessionRecordEvent } from '../sessions/gatewayControl.js';

/** The event of a gateway session's open or close; the idle timeout's close is an expiry. */
export function sessionEvent(event: SessionRecordEvent): NewEvent {
  const { session } = event;
  const client = session.clientName ?? 'a client';
  const where = session.profile === null ? session.server : `profile ${session.profile}`;
  const data = {
    session: session.id,
    server: session.server,
    profile: session.profile,
    transport: session.transport,
    client: session.clientName,
  };
  // A profile's session is no server's: it is recorded without one (`data` names the profile).
  const server = session.profile === null ? session.server : null;
  if (event.type === 'opened') {
    return { server, type: 'session-opened', message: `${client} opened session ${session.id} on ${where}`, data };
  }
  const expired = event.reason === 'idle';
  return {
    server,
    type: expired ? 'session-expired' : 'session-closed',
    message: `session ${session.id} on ${where} ${expired ? 'expired (idle)' : `closed: ${event.reason}`}`,
    data: { ...data, reason: event.reason, requests: session.requests, errors: session.errors },
  };
}
