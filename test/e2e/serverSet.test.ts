import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, it } from 'vitest';
import type { ServerDetail } from '../../src/core/api.js';
import { FIXTURES, waitFor } from '../helpers/cli.js';
import { e2eHome, useE2eHome } from '../helpers/e2e.js';
import { connectHttp, type HttpSession } from '../helpers/mcpClient.js';
import { isAlive } from '../helpers/procs.js';

const h = useE2eHome();
const ENV_REPORT = join(FIXTURES, 'envReport.mjs');
const HANG = join(FIXTURES, 'hang.mjs');
// Compressed so a test sees the whole lifecycle within seconds.
const FAST = ['--stop-grace', '2s', '--backoff-initial', '100ms', '--health-interval', '1s'];

async function addReport(name: string, flags: string[] = []): Promise<void> {
  const added = await h.run([
    'server',
    'add',
    name,
    ...FAST,
    ...flags,
    ...h.mark(name),
    '--',
    process.execPath,
    ENV_REPORT,
  ]);
  expect(added.code, added.stderr).toBe(0);
}

async function show(name: string): Promise<ServerDetail> {
  return h.json<ServerDetail>(['server', 'show', name]);
}

async function open(name: string): Promise<HttpSession> {
  const { url } = await h.json<{ url: string }>(['server', 'url', name]);
  return connectHttp(url, new Client({ name: 'server-set-test', version: '1.0.0' }));
}

/** Calls `env MODE` (or `slow`, which takes `ms`) and returns the answering process and the value it has. */
async function call(session: HttpSession, tool = 'env', ms = 0): Promise<{ pid: number; value: string | null }> {
  const result = await session.client.callTool({ name: tool, arguments: { name: 'MODE', ms } });
  const content = result.content as { text: string }[];
  if (result.isError) throw new Error(`tool error: ${content[0]?.text}`);
  return JSON.parse(content[0]?.text ?? '{}');
}

/** Sessions calling tools back to back (some slow, so calls are in flight at any moment) until stopped. */
function hammer(sessions: HttpSession[]) {
  let running = true;
  const answers: { pid: number; value: string | null }[] = [];
  const failures: string[] = [];
  const workers = sessions.map(async (session, index) => {
    while (running) {
      try {
        answers.push(await call(session, index % 2 === 0 ? 'env' : 'slow', 150));
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  });
  return {
    answers,
    failures,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

describe('mcpctl server set', () => {
  it('applies a policy-only change in place: same pid, history kept, new policy shown', async () => {
    await addReport('policy');
    const before = await show('policy');

    const set = await h.run(['server', 'set', 'policy', '--health-interval', '5s', '--restart', 'always']);

    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('updated server policy: applied in place, no restart (running)\n');
    const after = await show('policy');
    expect(after.pid).toBe(before.pid);
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.policy).toMatchObject({ healthIntervalMs: 5000, restart: 'always', stopGraceMs: 2000 });
    expect(after.events.map((e) => e.type)).toEqual(['added', 'starting', 'running', 'updated']);
    expect(after.events.at(-1)?.message).toBe(
      'policy: policy.healthIntervalMs, policy.restart changed, applied in place',
    );
    const again = await h.run(['server', 'set', 'policy', '--health-interval', '5s']);
    expect(again.stdout).toBe('server policy unchanged: its definition already says so (running)\n');
  });

  it('rolls over for an env change with zero failed calls from sessions hammering it, and keeps its history', async () => {
    await addReport('roll', ['--env', 'MODE=one', '--env', 'DROP=me']);
    const before = await show('roll');
    const sessions = await Promise.all([open('roll'), open('roll'), open('roll'), open('roll')]);
    // A session of another server, which the roll must not touch.
    await addReport('bystander', ['--env', 'MODE=other']);
    const other = await open('bystander');
    try {
      expect(await call(sessions[0] as HttpSession)).toEqual({ pid: before.pid, value: 'one' });
      const load = hammer(sessions);
      const otherLoad = hammer([other]);
      await waitFor('calls under way', () => (load.answers.length >= 20 ? true : undefined));

      const set = await h.run(['server', 'set', 'roll', '--env', 'MODE=two', '--unset-env', 'DROP']);

      const rolledAt = load.answers.length;
      await waitFor('calls answered by the new process', () =>
        load.answers.slice(rolledAt).filter((a) => a.value === 'two').length >= 20 ? true : undefined,
      );
      await load.stop();
      await otherLoad.stop();
      expect(set.code, set.stderr).toBe(0);
      const after = await show('roll');
      expect(set.stdout).toBe(`updated server roll: rolled over to a new process (pid ${after.pid}) (running)\n`);
      expect(after.pid).not.toBe(before.pid);
      expect(isAlive(before.pid as number)).toBe(false);
      expect(after.env).toEqual({ MODE: 'two', E2E_MARK: expect.any(String) });
      // Counted, not sampled: every call of every session got its answer, across the roll.
      expect(load.failures).toEqual([]);
      expect(otherLoad.failures).toEqual([]);
      const pids = new Set(load.answers.map((a) => a.pid));
      expect(pids).toEqual(new Set([before.pid, after.pid]));
      expect(load.answers.every((a) => (a.pid === after.pid ? a.value === 'two' : a.value === 'one'))).toBe(true);
      expect(await call(sessions[1] as HttpSession)).toEqual({ pid: after.pid, value: 'two' });
      // History kept: creation time, restart count, every event, with the roll last.
      expect(after.createdAt).toBe(before.createdAt);
      expect(after.restarts).toBe(before.restarts);
      expect(after.events.map((e) => e.type)).toEqual(['added', 'starting', 'running', 'rolled-over']);
      expect(after.events.at(-1)?.message).toBe(
        `roll: env changed; rolled over to a new process (pid ${before.pid} → ${after.pid})`,
      );
      expect(h.serverPids('roll')).toEqual([after.pid]);
    } finally {
      await Promise.all([...sessions, other].map((session) => session.close()));
    }
  });

  it('a roll whose new command fails leaves the old process serving its old definition (exit 5)', async () => {
    await addReport('keep', ['--env', 'MODE=one']);
    const before = await show('keep');
    const session = await open('keep');
    try {
      const set = await h.run([
        'server',
        'set',
        'keep',
        '--env',
        'HANG_ON_INITIALIZE=1',
        '--start-timeout',
        '500ms',
        '--',
        process.execPath,
        HANG,
      ]);

      expect(set.code).toBe(5);
      expect(set.stderr).toMatch(
        /^Error: the new definition of 'keep' did not come up \(.*\); the running process was kept, with the old definition\n/,
      );
      const after = await show('keep');
      expect(after.pid).toBe(before.pid);
      expect(after.args).toEqual([ENV_REPORT]);
      expect(after.env).not.toHaveProperty('HANG_ON_INITIALIZE');
      expect(after.policy.startTimeoutMs).toBe(30_000);
      expect(after.events.at(-1)?.type).toBe('update-failed');
      expect(await call(session)).toEqual({ pid: before.pid, value: 'one' });
      expect(h.serverPids('keep')).toEqual([before.pid]);
    } finally {
      await session.close();
    }
  });

  it('a stopped server takes the new definition for its next start; an unknown server exits 8', async () => {
    await addReport('later', ['--no-autostart', '--env', 'MODE=one']);
    const set = await h.run(['server', 'set', 'later', '--env', 'MODE=two', '--label', 'tier=b']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('updated server later: its next start uses the new definition (stopped)\n');
    expect((await h.run(['server', 'start', 'later'])).code).toBe(0);
    const session = await open('later');
    try {
      expect((await call(session)).value).toBe('two');
    } finally {
      await session.close();
    }
    expect((await show('later')).labels).toEqual({ tier: 'b' });

    const unknown = await h.run(['server', 'set', 'nope', '--env', 'A=1']);
    expect(unknown.code).toBe(8);
    expect(unknown.stderr).toContain("Error: no server named 'nope'");
    const wrongTransport = await h.run(['server', 'set', 'later', '--url', 'http://127.0.0.1:1/mcp']);
    expect(wrongTransport.code).toBe(2);
    expect(wrongTransport.stderr).toContain("Error: --url applies to http servers; 'later' is a stdio server");
  });

  it('the edits survive a daemon restart, with their events', async () => {
    expect((await h.run(['daemon', 'stop'])).code).toBe(0);
    expect((await h.run(['daemon', 'start'])).code).toBe(0);
    const rolled = await waitFor('roll running again', async () => {
      const view = await show('roll');
      return view.state === 'running' ? view : undefined;
    });
    expect(rolled.env.MODE).toBe('two');
    expect(rolled.events.map((e) => e.type)).toContain('rolled-over');
    expect((await show('policy')).policy).toMatchObject({ healthIntervalMs: 5000, restart: 'always' });
    expect((await show('keep')).args).toEqual([ENV_REPORT]);
  });

  it('-o json says what happened', async () => {
    await addReport('json');
    const result = await h.json<{ name: string; changed: boolean; rolled: boolean }>([
      'server',
      'set',
      'json',
      '--env',
      'MODE=x',
    ]);
    expect(result).toMatchObject({ name: 'json', changed: true, rolled: true, state: 'running' });
  });
});

describe('mcpctl server edit', () => {
  function editor(name: string, script: string): string {
    const path = join(h.home, `${name}.sh`);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('saves a valid edit (rolled over for an env change) and refuses an invalid one, changing nothing', async () => {
    await addReport('edited', ['--env', 'MODE=one']);
    const before = await show('edited');
    const seen = join(h.home, 'seen.yaml');
    const valid = editor('valid', `cp "$1" ${seen}; sed -i 's/MODE: one/MODE: two/' "$1"`);

    const saved = await h.run(['server', 'edit', 'edited'], { env: { EDITOR: valid, VISUAL: '' } });

    expect(saved.code, saved.stderr).toBe(0);
    const shown = readFileSync(seen, 'utf8');
    expect(shown).toContain("# The name cannot be changed here: to rename, 'mcpctl server rm edited'");
    expect(shown).toMatch(/^transport: stdio\ncommand: /m);
    expect(shown).toContain('  MODE: one\n');
    const after = await show('edited');
    expect(saved.stdout).toBe(`updated server edited: rolled over to a new process (pid ${after.pid}) (running)\n`);
    expect(after.env.MODE).toBe('two');
    expect(after.pid).not.toBe(before.pid);

    for (const [script, message] of [
      [`sed -i 's/restart: on-failure/restart: sometimes/' "$1"`, /invalid definition of 'edited': policy\.restart: /],
      [`echo 'transport: [oops' > "$1"`, /the edited definition is no valid YAML: /],
      [`echo 'name: renamed' >> "$1"`, /the name cannot be changed in server edit \(it stays 'edited'\)/],
    ] as const) {
      const refused = await h.run(['server', 'edit', 'edited'], { env: { EDITOR: editor('bad', script), VISUAL: '' } });
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(message);
      const kept = /your edit is kept in (\S+):/.exec(refused.stderr)?.[1] as string;
      expect(existsSync(kept)).toBe(true);
      const unchanged = await show('edited');
      expect(unchanged.pid).toBe(after.pid);
      expect(unchanged.env.MODE).toBe('two');
      expect(unchanged.policy.restart).toBe('on-failure');
    }
    const untouched = await h.run(['server', 'edit', 'edited'], { env: { EDITOR: 'true', VISUAL: '' } });
    expect(untouched.code).toBe(0);
    expect(untouched.stderr).toBe('server edited: no changes, nothing saved\n');
    const unknown = await h.run(['server', 'edit', 'nope'], { env: { EDITOR: 'true' } });
    expect(unknown.code).toBe(8);
  });
});

describe('bad input to server set', () => {
  it('exits 2 before the daemon is touched (none is started)', async () => {
    const fresh = e2eHome();
    try {
      for (const args of [
        ['server', 'set', 'x', '--health-interval', '10'],
        ['server', 'set', 'x', '--env', '1BAD=v'],
        ['server', 'set', 'x', '--restart', 'sometimes'],
        ['server', 'set', 'x'],
        ['server', 'set', 'Bad Name', '--env', 'A=1'],
        ['server', 'set', 'x', '--root', '/no/such/dir'],
        ['server', 'edit', 'Bad Name'],
      ]) {
        const result = await fresh.run(args);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toMatch(/^Error: /);
      }
      expect(fresh.daemonPids()).toEqual([]);
      expect(existsSync(join(fresh.home, 'run', 'daemon.pid'))).toBe(false);
    } finally {
      await fresh.dispose();
    }
  });
});
