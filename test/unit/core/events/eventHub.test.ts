import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventHub } from '../../../../src/core/events/eventHub.js';
import { followEvents } from '../../../../src/core/events/eventStream.js';
import { sessionEvent } from '../../../../src/core/events/sessionEvents.js';
import type { LiveSession } from '../../../../src/core/sessions/gatewayControl.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';
import type { Store, StoredEvent } from '../../../../src/store/types.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function hub(maxEvents?: number): { hub: EventHub; store: Store } {
  const dir = mkdtempSync(join(tmpdir(), 'mcpctl-events-'));
  const store = openSqliteStore({
    path: join(dir, 'mcpctl.db'),
    logger: silentLogger,
    ...(maxEvents ? { maxEvents } : {}),
  });
  cleanups.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { hub: new EventHub({ store, logger: silentLogger, batchMs: 5 }), store };
}

const session = (overrides: Partial<LiveSession> = {}): LiveSession => ({
  id: 's1',
  server: 'fs',
  profile: null,
  transport: 'streamable-http',
  clientName: 'claude',
  clientVersion: '1',
  protocolVersion: null,
  startedAt: 0,
  lastActivity: 0,
  idleSince: null,
  requests: 2,
  errors: 0,
  ...overrides,
});

describe('the event hub', () => {
  it('batches later events into one write, keeps a removed server’s as server null, and stays bounded', async () => {
    const { hub: events, store } = hub(5);
    await store.servers.insert({ name: 'fs', transport: 'stdio', spec: {} });
    const heard: StoredEvent[] = [];
    events.subscribe((event) => heard.push(event));
    events.appendLater(sessionEvent({ type: 'opened', session: session() }));
    events.appendLater(sessionEvent({ type: 'closed', session: session({ server: 'gone' }), reason: 'idle' }));
    expect(heard).toEqual([]); // nothing written yet: the gateway never waits
    await events.flushed();
    expect(heard.map((event) => [event.type, event.server])).toEqual([
      ['session-opened', 'fs'],
      ['session-expired', null],
    ]);
    for (let i = 0; i < 6; i++) events.appendLater({ server: 'fs', type: 'crashed', message: `crash ${i}` });
    await events.flushed();
    const kept = await store.events.query({ limit: 100 });
    expect(kept.map((event) => event.message)).toEqual(['crash 1', 'crash 2', 'crash 3', 'crash 4', 'crash 5']);
    expect(await store.events.query({ server: 'gone', limit: 100 })).toEqual([]);
  });

  it('follows with no gap and no repeat: events written while the history is read are told once', async () => {
    const { hub: events } = hub();
    await events.append({ server: null, type: 'profile-added', message: 'before' });
    const controller = new AbortController();
    const told: string[] = [];
    const following = (async () => {
      for await (const event of followEvents(events, { limit: 100 }, controller.signal)) {
        told.push(event.message);
        if (told.length === 3) controller.abort();
      }
    })();
    // Written at once, before the follower has read its history: in the history, and heard too.
    await events.append({ server: null, type: 'profile-updated', message: 'during' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await events.append({ server: null, type: 'profile-removed', message: 'after' });
    await following;
    expect(told).toEqual(['before', 'during', 'after']);
  });

  it('filters by type, time and server', async () => {
    const { hub: events, store } = hub();
    await store.servers.insert({ name: 'fs', transport: 'stdio', spec: {} });
    await events.append({ server: 'fs', type: 'crashed', message: 'a', time: '2026-01-01T00:00:00.000Z' });
    await events.append({ server: 'fs', type: 'running', message: 'b' });
    await events.append({ server: null, type: 'removed', message: 'c', data: { server: 'fs' } });
    const messages = async (query: Parameters<EventHub['query']>[0]) =>
      (await events.query(query)).map((event) => event.message);
    expect(await messages({ types: ['crashed', 'removed'], limit: 10 })).toEqual(['a', 'c']);
    expect(await messages({ since: '2026-06-01T00:00:00.000Z', limit: 10 })).toEqual(['b', 'c']);
    expect(await messages({ server: 'fs', limit: 2 })).toEqual(['b', 'c']);
  });
});
