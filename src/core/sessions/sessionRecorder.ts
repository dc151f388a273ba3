import type { Logger } from '../../shared/logger.js';
import type { OpenedSession, Store } from '../../store/types.js';
import type { LiveSession, SessionRecordEvent } from './gatewayControl.js';

/** What the gateway calls on each session event; `flushed()` resolves once every write so far is done. */
export interface SessionRecorder {
  (event: SessionRecordEvent): void;
  flushed(): Promise<void>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function openedRow(session: LiveSession, node: string): OpenedSession {
  return {
    id: session.id,
    server: session.server,
    transport: session.transport,
    clientName: session.clientName,
    clientVersion: session.clientVersion,
    protocolVersion: session.protocolVersion,
    startedAt: iso(session.startedAt),
    lastActivity: iso(session.lastActivity),
    requests: session.requests,
    errors: session.errors,
    node,
  };
}

async function write(store: Store, node: string, event: SessionRecordEvent, at: number): Promise<void> {
  const { session } = event;
  if (event.type === 'opened') {
    await store.sessions.recordOpened(openedRow(session, node));
    return;
  }
  const close = {
    closedAt: iso(at),
    reason: event.reason,
    requests: session.requests,
    errors: session.errors,
    lastActivity: iso(session.lastActivity),
    clientName: session.clientName,
    clientVersion: session.clientVersion,
    protocolVersion: session.protocolVersion,
  };
  if (await store.sessions.recordClosed(session.id, close)) return;
  // The open was never written (its write failed): the close carries all we need to record both.
  if (await store.sessions.recordOpened(openedRow(session, node))) await store.sessions.recordClosed(session.id, close);
}

/**
 * Writes the gateway's session events to the history, one after another: a close
 * never overtakes its open. The gateway never waits for the store and never sees
 * its errors; a failed write is logged and the next one still runs. Each row names `node`, the
 * owner other nodes forward the session's requests to.
 */
export function createSessionRecorder(store: Store, logger: Logger, node: string): SessionRecorder {
  let chain: Promise<void> = Promise.resolve();
  const record = (event: SessionRecordEvent): void => {
    const at = Date.now();
    chain = chain
      .then(() => write(store, node, event, at))
      .catch((error: unknown) =>
        logger.error(
          { session: event.session.id, server: event.session.server, event: event.type, err: (error as Error).message },
          'could not record the session in the history',
        ),
      );
  };
  return Object.assign(record, { flushed: () => chain });
}
