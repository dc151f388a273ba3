import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveSession } from '../../../../src/core/sessions/gatewayControl.js';
import { createSessionRecorder } from '../../../../src/core/sessions/sessionRecorder.js';
import { type Logger, silentLogger } from '../../../../src/shared/logger.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';
import { useTempDir } from '../../store/tempDir.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function live(id: string, overrides: Partial<LiveSession> = {}): LiveSession {
  return {
    id,
    server: 'everything',
    profile: null,
    transport: 'sse',
    clientName: null,
    clientVersion: null,
    protocolVersion: null,
    startedAt: T0,
    lastActivity: T0,
    idleSince: null,
    requests: 0,
    errors: 0,
    ...overrides,
  };
}

/** A logger that keeps its error lines, to see what the recorder reports. */
function errorLog(): { logger: Logger; errors: Array<{ fields: Record<string, unknown>; message: string }> } {
  const errors: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const logger: Logger = {
    ...silentLogger,
    error: (fields, message) => errors.push({ fields, message }),
    child: () => logger,
  };
  return { logger, errors };
}

describe('createSessionRecorder', () => {
  const tempDir = useTempDir();

  it('writes opens and closes in order, the close with its final figures and the time it was reported', async () => {
    const store = openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger });
    const record = createSessionRecorder(store, silentLogger, 'node-a');
    const before = Date.now();
    // Reported back to back without waiting: the close must not overtake its open.
    record({ type: 'opened', session: live('a') });
    record({
      type: 'closed',
      session: live('a', {
        lastActivity: T0 + 60_000,
        requests: 12,
        errors: 1,
        clientName: 'claude-ai',
        clientVersion: '0.1.0',
        protocolVersion: '2025-06-18',
      }),
      reason: 'client ended the session',
    });
    await record.flushed();
    const row = await store.sessions.get('a');
    expect(row).toEqual({
      id: 'a',
      server: 'everything',
      transport: 'sse',
      clientName: 'claude-ai',
      clientVersion: '0.1.0',
      protocolVersion: '2025-06-18',
      startedAt: '2025-01-01T12:00:00.000Z',
      lastActivity: '2025-01-01T12:01:00.000Z',
      closedAt: expect.any(String),
      closeReason: 'client ended the session',
      requests: 12,
      errors: 1,
      // The owner other nodes forward its requests to.
      node: 'node-a',
    });
    const closedAt = Date.parse(row?.closedAt ?? '');
    expect(closedAt).toBeGreaterThanOrEqual(before);
    expect(closedAt).toBeLessThanOrEqual(Date.now());
    store.close();
  });

  it('records a close whose open was never written, as one closed session', async () => {
    const store = openSqliteStore({ path: join(tempDir(), 'mcpctl.db'), logger: silentLogger });
    const record = createSessionRecorder(store, silentLogger, 'node-a');
    record({ type: 'closed', session: live('orphan', { requests: 2 }), reason: 'idle timeout' });
    await record.flushed();
    expect(await store.sessions.get('orphan')).toMatchObject({
      startedAt: '2025-01-01T12:00:00.000Z',
      closeReason: 'idle timeout',
      requests: 2,
    });
    store.close();
  });

  it('never throws into the gateway: a failed write is logged and later writes still run', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const closed = openSqliteStore({ path, logger: silentLogger });
    closed.close();
    // The recorder reads `store.sessions` at each write: swapping it shows the chain goes on after a failure.
    const store = { ...closed };
    const { logger, errors } = errorLog();
    const record = createSessionRecorder(store, logger, 'node-a');
    expect(() => record({ type: 'opened', session: live('lost') })).not.toThrow();
    await record.flushed();
    expect(errors).toEqual([
      {
        fields: expect.objectContaining({ session: 'lost', server: 'everything', event: 'opened' }),
        message: 'could not record the session in the history',
      },
    ]);
    expect(errors[0]?.fields.err).toMatch(/not open/);

    const reopened = openSqliteStore({ path, logger: silentLogger });
    store.sessions = reopened.sessions;
    record({ type: 'opened', session: live('kept') });
    await record.flushed();
    expect(await reopened.sessions.get('kept')).toMatchObject({ id: 'kept' });
    expect(await reopened.sessions.get('lost')).toBeUndefined();
    expect(errors).toHaveLength(1);
    reopened.close();
  });
});
