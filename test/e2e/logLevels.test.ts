import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, waitFor } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { followLines } from '../helpers/follow.js';

const h = useE2eHome();
const SERVER = 'lm';
const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

interface View {
  pid: number | null;
  state: string;
  logLevel: string | null;
}
interface Session {
  id: string;
  startedAt: string;
}
interface Request {
  method: string;
  target: string | null;
  durationMs: number;
  outcome: string;
  error: string | null;
  arguments?: unknown;
}

async function ok(args: string[]): Promise<string> {
  const result = await h.run(args);
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

async function logLines(...args: string[]): Promise<string[]> {
  return (await ok(['logs', SERVER, ...args])).split('\n').filter(Boolean);
}

async function pid(): Promise<number | null> {
  return (await h.json<View>(['server', 'show', SERVER])).pid;
}

/** The session of the latest `mcpctl call` (each call is one gateway session). */
async function latestSession(): Promise<string> {
  const sessions = await h.json<Session[]>(['session', 'ls', '--all']);
  const newest = sessions.sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  if (!newest) throw new Error('no session');
  return newest.id;
}

describe('log levels, captured messages and session traffic through the built binary', () => {
  it('captures the notifications/message a server sends, with their levels, filtered by the level in force', async () => {
    await ok(['server', 'add', SERVER, ...h.mark(SERVER), '--', process.execPath, join(FIXTURES, 'logMessages.mjs')]);
    await ok(['call', SERVER, 'log', 'tag=one']);
    const lines = await waitFor('the emergency message in the log', async () => {
      const all = await logLines();
      return all.includes('[emergency] [fixture] emergency message one') ? all : undefined;
    });
    // The daemon's logs.level (info) is the server's: debug is not kept, the rest is, each with its level.
    for (const level of LEVELS.slice(1)) expect(lines).toContain(`[${level}] [fixture] ${level} message one`);
    expect(lines.some((line) => line.includes('debug message one'))).toBe(false);
    const json = (await ok(['logs', SERVER, '-o', 'json', '--grep', 'notice message one']))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { stream: string; level: string });
    expect(json).toEqual([expect.objectContaining({ stream: 'mcp.notice', level: 'notice' })]);
  });

  it('--level keeps lines at that level or above: messages by theirs, stderr by the word it starts with, else info', async () => {
    const warn = await logLines('--level', 'warn');
    expect(warn).toContain('ERROR a line that states its level');
    expect(warn).toContain('[warning] [fixture] warning message one');
    expect(warn).toContain('[emergency] [fixture] emergency message one');
    expect(
      warn.some((line) => line === 'a plain line' || line.includes('notice message') || line.includes('info message')),
    ).toBe(false);
    expect(await logLines('--level', 'info')).toContain('a plain line');
    const bad = await h.run(['logs', SERVER, '--level', 'loud']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid --level 'loud'");
  });

  it('--grep keeps the lines containing the text, in history and with -f', async () => {
    expect(await logLines('--grep', 'plain')).toEqual(['a plain line']);
    const follower = followLines(['logs', SERVER, '-f', '--grep', 'message two'], { MCPCTL_HOME: h.home });
    try {
      await ok(['call', SERVER, 'log', 'tag=two']);
      await follower.line('the alert line of the second call', (line) => line.includes('alert message two'));
      await ok(['call', SERVER, 'log', 'tag=three']);
      await follower.line('the last line of the second call', (line) => line.includes('emergency message two'));
    } finally {
      await follower.stop();
    }
    expect(follower.lines.every((line) => line.includes('message two'))).toBe(true);
    expect(follower.lines).toContain('[warning] [fixture] warning message two');
  });

  it('server set --log-level applies to the running server at once: no restart, the server is asked for it', async () => {
    const before = await pid();
    const set = await h.run(['server', 'set', SERVER, '--log-level', 'debug']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout + set.stderr).toContain('applied in place');
    await waitFor('the server asked for debug', async () =>
      (await logLines('--grep', 'set level')).includes('set level debug') ? true : undefined,
    );
    await ok(['call', SERVER, 'log', 'tag=four']);
    await waitFor('the debug message kept', async () =>
      (await logLines()).includes('[debug] [fixture] debug message four') ? true : undefined,
    );
    const view = await h.json<View>(['server', 'show', SERVER]);
    expect([view.pid, view.logLevel]).toEqual([before, 'debug']);
    await ok(['server', 'set', SERVER, '--log-level', 'error']);
    await ok(['call', SERVER, 'log', 'tag=five']);
    await waitFor('the emergency message of the fifth call', async () =>
      (await logLines()).includes('[emergency] [fixture] emergency message five') ? true : undefined,
    );
    const five = (await logLines()).filter((line) => line.includes('message five'));
    expect(five).toEqual(
      ['[error]', '[critical]', '[alert]', '[emergency]'].map(
        (tag) => `${tag} [fixture] ${tag.slice(1, -1)} message five`,
      ),
    );
    expect(await pid()).toBe(before);
  });

  it('config set logs.level debug takes effect in the running daemon (same pid)', async () => {
    const daemon = h.pidFilePid();
    await ok(['call', SERVER, 'echo', 'message=quiet']);
    const quiet = await h.run(['daemon', 'logs', '--grep', 'session opened']);
    expect(quiet.stdout).toBe('');
    const set = await h.run(['config', 'set', 'logs.level', 'debug']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toContain(`applied to the running daemon (pid ${daemon}): logs.level is debug`);
    await ok(['call', SERVER, 'echo', 'message=loud']);
    const id = await latestSession();
    const loud = await ok(['daemon', 'logs', '--level', 'debug', '--grep', 'session opened']);
    expect(loud).toContain(`DEBUG session opened session=${id} server=${SERVER}`);
    expect(h.pidFilePid()).toBe(daemon);
    // A server with no level of its own follows the daemon's.
    await ok(['server', 'set', SERVER, '--unset-log-level']);
    await ok(['call', SERVER, 'log', 'tag=six']);
    await waitFor('the debug message of the sixth call', async () =>
      (await logLines()).includes('[debug] [fixture] debug message six') ? true : undefined,
    );
  });

  it('logs --session lists the session requests with durations and outcomes, arguments only with --debug-payloads', async () => {
    await ok(['call', SERVER, 'echo', 'message=topsecret']);
    const id = await latestSession();
    const requests = await h.json<Request[]>(['logs', '--session', id]);
    expect(requests.map((request) => [request.method, request.target, request.outcome])).toEqual([
      ['initialize', null, 'ok'],
      ['tools/list', null, 'ok'],
      ['tools/call', 'echo', 'ok'],
    ]);
    for (const request of requests) expect(request.durationMs).toBeGreaterThanOrEqual(0);
    const table = await ok(['logs', '--session', id.slice(0, 8)]);
    expect(table).toMatch(/tools\/call echo\s+\d+\.\dms\s+ok/);
    expect(table).not.toContain('topsecret');
    expect(JSON.stringify(requests)).not.toContain('topsecret');

    await h.run(['call', SERVER, 'fail']);
    const failed = await h.json<Request[]>(['logs', '--session', await latestSession()]);
    expect(failed.at(-1)).toMatchObject({ method: 'tools/call', target: 'fail', outcome: 'error' });

    await ok(['server', 'set', SERVER, '--debug-payloads']);
    await ok(['call', SERVER, 'echo', 'message=visible']);
    const shown = await ok(['logs', '--session', await latestSession()]);
    expect(shown).toContain('ARGUMENTS');
    expect(shown).toContain('{"message":"visible"}');

    const unknown = await h.run(['logs', '--session', 'no-such-session']);
    expect(unknown.code).toBe(8);
    expect(unknown.stderr).toContain("no session 'no-such-session'");
  });
});
