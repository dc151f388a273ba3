import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../../src/cli/run.js';
import type { SessionView } from '../../../../../src/core/api.js';
import { type HandlerRig, handlerRig } from '../../../core/sessions/handlerDeps.js';
import { captureContext } from '../../testContext.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const LONG_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** Runs mcpctl in-process against the real handlers of `rig` (no socket, no daemon). */
async function run(rig: HandlerRig, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = captureContext({ connect: async () => rig.api });
  const code = await runCli(argv, cli.ctx);
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

async function rigWithSessions(): Promise<HandlerRig> {
  const rig = await handlerRig();
  rig.gateway.open({ id: LONG_ID, startedAt: T0, clientName: 'claude-ai', clientVersion: '0.1.0', requests: 4 });
  rig.gateway.open({ id: 'other', startedAt: T0 + 1000, server: 'memory', transport: 'sse' });
  rig.gateway.open({ id: 'ended', startedAt: T0 - 1000 });
  rig.gateway.close('ended', 'idle timeout');
  await rig.recorder.flushed();
  return rig;
}

describe('mcpctl session ls', () => {
  it('prints open sessions with full ids, newest first; list is an alias', async () => {
    const rig = await rigWithSessions();
    for (const verb of ['ls', 'list']) {
      const result = await run(rig, ['session', verb]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(
        /^ID\s+SERVER\s+TRANSPORT\s+CLIENT\s+STARTED\s+LAST-ACTIVITY\s+IDLE\s+REQUESTS\s+ERRORS$/,
      );
      expect(lines.slice(1).map((line) => line.split(/\s{3,}/).slice(0, 4))).toEqual([
        ['other', 'memory', 'sse', '-'],
        [LONG_ID, 'everything', 'streamable-http', 'claude-ai/0.1.0'],
      ]);
    }
  });

  it('adds closed sessions and a STATE column with --all, and filters with --server', async () => {
    const rig = await rigWithSessions();
    const all = await run(rig, ['session', 'ls', '--all', '--no-headers']);
    expect(all.code).toBe(0);
    expect(
      all.stdout
        .trimEnd()
        .split('\n')
        .map((line) => [line.split(/\s+/)[0], line.split(/\s+/).at(-1)]),
    ).toEqual([
      ['other', 'open'],
      [LONG_ID, 'open'],
      ['ended', 'closed'],
    ]);
    const json = await run(rig, ['session', 'ls', '--server', 'everything', '--all', '-o', 'json']);
    const views = JSON.parse(json.stdout) as SessionView[];
    expect(views.map((view) => [view.id, view.state])).toEqual([
      [LONG_ID, 'open'],
      ['ended', 'closed'],
    ]);
  });

  it('says so on stderr when there is nothing to list, and prints [] with -o json', async () => {
    const rig = await handlerRig();
    const empty = await run(rig, ['session', 'ls']);
    expect(empty).toEqual({
      code: 0,
      stdout: '',
      stderr: 'No open sessions (--all shows closed ones). Clients connect with: mcpctl connect NAME\n',
    });
    expect((await run(rig, ['session', 'ls', '--server', 'memory', '--all'])).stderr).toBe(
      "No sessions of server 'memory' in the history.\n",
    );
    expect((await run(rig, ['session', 'ls', '--json'])).stdout).toBe('[]\n');
  });

  it('rejects a bad --server name with exit 2', async () => {
    const rig = await handlerRig();
    const result = await run(rig, ['session', 'ls', '--server', 'Bad Name']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Error:');
  });
});

describe('mcpctl session show', () => {
  it('prints a key/value block for an open or a closed session; status is an alias', async () => {
    const rig = await rigWithSessions();
    const open = await run(rig, ['session', 'show', LONG_ID]);
    expect(open.code).toBe(0);
    expect(open.stdout).toContain(`ID:             ${LONG_ID}\n`);
    expect(open.stdout).toContain('State:          open\n');
    expect(open.stdout).toContain('Client:         claude-ai/0.1.0\n');
    const closed = await run(rig, ['session', 'status', 'ended']);
    expect(closed.stdout).toContain('Close reason:   idle timeout\n');
    const json = JSON.parse((await run(rig, ['session', 'show', 'ended', '-o', 'json'])).stdout) as SessionView;
    expect(json).toMatchObject({ id: 'ended', state: 'closed', closeReason: 'idle timeout' });
  });

  it('exits 8 with a hint for an unknown session', async () => {
    const rig = await handlerRig();
    const result = await run(rig, ['session', 'show', 'nope']);
    expect(result.code).toBe(8);
    expect(result.stderr).toBe(
      "Error: no session 'nope'\nHint: list sessions with 'mcpctl session ls' (add --all for closed ones)\n",
    );
  });
});

describe('mcpctl session kill', () => {
  it('ends each session, one line each; disconnect is an alias', async () => {
    const rig = await rigWithSessions();
    const result = await run(rig, ['session', 'kill', LONG_ID]);
    expect(result).toEqual({ code: 0, stdout: `killed session ${LONG_ID}\n`, stderr: '' });
    const json = await run(rig, ['session', 'disconnect', 'other', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual([{ id: 'other' }]);
    expect(rig.gateway.liveSessions()).toEqual([]);
  });

  it('goes on past a session it cannot end and exits 8', async () => {
    const rig = await rigWithSessions();
    const result = await run(rig, ['session', 'kill', 'ended', LONG_ID]);
    expect(result.code).toBe(8);
    expect(result.stdout).toBe(`killed session ${LONG_ID}\n`);
    expect(result.stderr).toContain("Error: session 'ended' is already closed (idle timeout)\n");
  });
});

describe('session ids by unique prefix (as docker takes container ids)', () => {
  it('shows and kills a session by the start of its id', async () => {
    const rig = await rigWithSessions();
    const shown = await run(rig, ['session', 'show', 'a1b2']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`ID:             ${LONG_ID}\n`);
    expect((await run(rig, ['session', 'show', 'end'])).stdout).toContain('Close reason:   idle timeout\n');
    expect(await run(rig, ['session', 'kill', 'a1b'])).toEqual({
      code: 0,
      stdout: `killed session ${LONG_ID}\n`,
      stderr: '',
    });
    expect(rig.gateway.liveSessions().map((session) => session.id)).toEqual(['other']);
  });

  it('refuses a prefix of several ids with exit 2, listing them', async () => {
    const rig = await rigWithSessions();
    rig.gateway.open({ id: 'a1ff00', startedAt: T0 + 2000 });
    for (const verb of ['show', 'kill']) {
      const result = await run(rig, ['session', verb, 'a1']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Error: 'a1' is the start of 2 session ids: `);
      expect(result.stderr).toContain(LONG_ID);
      expect(result.stderr).toContain('a1ff00');
      expect(result.stderr).toContain('Hint: give more of the id');
    }
    expect(rig.gateway.liveSessions()).toHaveLength(3);
  });

  it('kills the one open session of a prefix that closed sessions share too', async () => {
    const rig = await rigWithSessions();
    rig.gateway.open({ id: 'endless', startedAt: T0 + 2000 });
    expect((await run(rig, ['session', 'kill', 'end'])).stdout).toBe('killed session endless\n');
  });
});

describe('mcpctl server url', () => {
  it('prints only the Streamable HTTP URL, and both with -o json', async () => {
    const rig = await handlerRig();
    expect(await run(rig, ['server', 'url', 'everything'])).toEqual({
      code: 0,
      stdout: 'http://127.0.0.1:7711/servers/everything/mcp\n',
      stderr: '',
    });
    expect(JSON.parse((await run(rig, ['server', 'url', 'everything', '-o', 'json'])).stdout)).toEqual({
      name: 'everything',
      url: 'http://127.0.0.1:7711/servers/everything/mcp',
      sseUrl: 'http://127.0.0.1:7711/servers/everything/sse',
    });
  });

  it('exits 8 for an unknown server and 6 when the gateway does not listen', async () => {
    const rig = await handlerRig();
    expect((await run(rig, ['server', 'url', 'ghost'])).code).toBe(8);
    rig.gateway.url = null;
    const down = await run(rig, ['server', 'url', 'everything']);
    expect(down.code).toBe(6);
    expect(down.stderr).toContain("Error: the gateway is not listening, so server 'everything' has no URL\n");
  });
});

describe('mcpctl daemon status', () => {
  it('prints the Gateway line: the URL, or not listening', async () => {
    const rig = await handlerRig();
    expect((await run(rig, ['daemon', 'status'])).stdout).toContain('Gateway:   http://127.0.0.1:7711\n');
    rig.gateway.url = null;
    expect((await run(rig, ['daemon', 'status'])).stdout).toContain('Gateway:   not listening\n');
  });
});
