import { describe, expect, it } from 'vitest';
import { controlMethods } from '../../../../src/core/api.js';
import { handlerRig } from './handlerDeps.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

describe('daemonStatus: gateway', () => {
  it('reports the gateway address, or null while it does not listen', async () => {
    const rig = await handlerRig();
    const status = await rig.api.daemonStatus({});
    expect(controlMethods.daemonStatus.output.parse(status)).toEqual(status);
    expect(status.gateway).toEqual({ url: 'http://127.0.0.1:7711', port: 7711 });
    rig.gateway.url = null;
    rig.gateway.port = null;
    expect((await rig.api.daemonStatus({})).gateway).toBeNull();
  });
});

describe('serverUrl', () => {
  it("gives a server's Streamable HTTP and SSE endpoints", async () => {
    const rig = await handlerRig();
    expect(await rig.api.serverUrl({ name: 'everything' })).toEqual({
      name: 'everything',
      url: 'http://127.0.0.1:7711/servers/everything/mcp',
      sseUrl: 'http://127.0.0.1:7711/servers/everything/sse',
    });
  });

  it('refuses an unknown server with NOT_FOUND', async () => {
    const rig = await handlerRig();
    await expect(rig.api.serverUrl({ name: 'ghost' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "no server named 'ghost'",
    });
  });

  it('says the gateway does not listen (network error with a hint)', async () => {
    const rig = await handlerRig();
    rig.gateway.url = null;
    await expect(rig.api.serverUrl({ name: 'everything' })).rejects.toMatchObject({
      code: 'DAEMON_UNREACHABLE',
      message: "the gateway is not listening, so server 'everything' has no URL",
      hint: expect.stringContaining('mcpctl daemon logs'),
    });
  });
});

describe('profileUrl', () => {
  it("gives a profile's aggregated endpoints, and NOT_FOUND for a profile the gateway does not serve", async () => {
    const rig = await handlerRig();
    rig.gateway.profiles.set('work', { members: [], collisions: [] });
    expect(await rig.api.profileUrl({ name: 'work' })).toEqual({
      name: 'work',
      url: 'http://127.0.0.1:7711/profiles/work/mcp',
      sseUrl: 'http://127.0.0.1:7711/profiles/work/sse',
    });
    await expect(rig.api.profileUrl({ name: 'ghost' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "no profile named 'ghost'",
    });
    await expect(rig.api.profileUrl({ name: '../x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('listSessions and getSession', () => {
  it('lists live sessions newest first as open, with ISO times, filtered by server', async () => {
    const rig = await handlerRig();
    rig.gateway.open({ id: 'old', startedAt: T0, lastActivity: T0 + 5000, clientName: 'claude', requests: 3 });
    rig.gateway.open({ id: 'new', startedAt: T0 + 1000, lastActivity: T0 + 1000, server: 'memory', transport: 'sse' });

    const sessions = await rig.api.listSessions({});
    expect(controlMethods.listSessions.output.parse(sessions)).toEqual(sessions);
    expect(sessions.map((s) => s.id)).toEqual(['new', 'old']);
    expect(sessions[1]).toEqual({
      id: 'old',
      server: 'everything',
      profile: null,
      transport: 'streamable-http',
      state: 'open',
      clientName: 'claude',
      clientVersion: null,
      protocolVersion: null,
      startedAt: '2025-01-01T12:00:00.000Z',
      lastActivity: '2025-01-01T12:00:05.000Z',
      idleSince: null,
      closedAt: null,
      closeReason: null,
      requests: 3,
      errors: 0,
    });
    expect((await rig.api.listSessions({ server: 'memory' })).map((s) => s.id)).toEqual(['new']);
    expect(await rig.api.listSessions({ server: 'nobody' })).toEqual([]);
  });

  it('adds closed sessions from the history with --all, after the open ones', async () => {
    const rig = await handlerRig();
    rig.gateway.open({ id: 'a', startedAt: T0 });
    rig.gateway.open({ id: 'b', startedAt: T0 + 1000, server: 'memory' });
    rig.gateway.open({ id: 'c', startedAt: T0 + 2000 });
    rig.gateway.touch('a', { requests: 9, errors: 2, clientName: 'cursor', clientVersion: '1.0' });
    rig.gateway.close('a', 'client ended the session');
    rig.gateway.close('b', 'idle timeout');
    await rig.recorder.flushed();

    expect((await rig.api.listSessions({})).map((s) => s.id)).toEqual(['c']);
    const all = await rig.api.listSessions({ all: true });
    expect(all.map((s) => [s.id, s.state])).toEqual([
      ['c', 'open'],
      ['b', 'closed'],
      ['a', 'closed'],
    ]);
    expect(all[2]).toMatchObject({
      requests: 9,
      errors: 2,
      clientName: 'cursor',
      clientVersion: '1.0',
      closeReason: 'client ended the session',
      closedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect((await rig.api.listSessions({ all: true, server: 'everything' })).map((s) => s.id)).toEqual(['c', 'a']);
  });

  it('shows a live session, else one from the history, else NOT_FOUND with a hint', async () => {
    const rig = await handlerRig();
    rig.gateway.open({ id: 'live', startedAt: T0 });
    rig.gateway.open({ id: 'gone', startedAt: T0 });
    rig.gateway.close('gone', 'idle timeout');
    await rig.recorder.flushed();

    expect(await rig.api.getSession({ id: 'live' })).toMatchObject({ id: 'live', state: 'open', closedAt: null });
    const gone = await rig.api.getSession({ id: 'gone' });
    expect(controlMethods.getSession.output.parse(gone)).toEqual(gone);
    expect(gone).toMatchObject({ id: 'gone', state: 'closed', closeReason: 'idle timeout' });
    await expect(rig.api.getSession({ id: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "no session 'nope'",
      hint: expect.stringContaining('mcpctl session ls'),
    });
  });

  it('refuses a malformed session id before any lookup (exit 2)', async () => {
    const rig = await handlerRig();
    await expect(rig.api.getSession({ id: 'has space' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('killSession', () => {
  it('ends a live session with the kill reason, which the history records', async () => {
    const rig = await handlerRig();
    rig.gateway.open({ id: 'k', startedAt: T0 });
    expect(await rig.api.killSession({ id: 'k' })).toEqual({ id: 'k' });
    expect(rig.gateway.killed).toEqual([{ id: 'k', reason: 'killed by mcpctl session kill' }]);
    await rig.recorder.flushed();
    expect(await rig.api.getSession({ id: 'k' })).toMatchObject({
      state: 'closed',
      closeReason: 'killed by mcpctl session kill',
    });
  });

  it('answers NOT_FOUND for a closed session (saying so) and for an unknown one', async () => {
    const rig = await handlerRig();
    rig.gateway.open({ id: 'done', startedAt: T0 });
    rig.gateway.close('done', 'idle timeout');
    await rig.recorder.flushed();
    await expect(rig.api.killSession({ id: 'done' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "session 'done' is already closed (idle timeout)",
    });
    await expect(rig.api.killSession({ id: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "no open session 'nope'",
    });
  });
});
