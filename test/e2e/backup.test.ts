import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { secretReference as ref } from '../../src/core/secrets/references.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { CLI, CLI_NODE, FIXTURES } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { mcpctlWithInput, NO_KEYRING } from '../helpers/secrets.js';

/**
 * `backup create` and `backup restore` on the built binary, a real daemon and its SQLite store:
 * a backup taken while the daemon runs brings back every server, profile, token and secret after
 * the store is wiped (the canary secret still reaches its server); bad files are refused with
 * their exit codes and change nothing; a restore killed with -9 at any step leaves the old store
 * or the new one.
 */
const h = useE2eHome();
const CANARY = `canary-${randomBytes(16).toString('hex')}`;
const run = (args: string[]) => h.run(args, { env: NO_KEYRING });
const json = <T>(args: string[]) => h.json<T>(args, NO_KEYRING);
const db = () => join(h.home, 'mcpctl.db');
const backupFile = () => join(h.home, 'backup.db');

function serverNames(path: string): string[] {
  const handle = new Database(path, { readonly: true });
  try {
    expect(handle.pragma('integrity_check', { simple: true })).toBe('ok');
    return (handle.prepare('SELECT name FROM servers ORDER BY name').all() as Array<{ name: string }>).map(
      (row) => row.name,
    );
  } finally {
    handle.close();
  }
}

async function canaryReachesServer(): Promise<void> {
  const call = await run(['call', 'envr', 'env', 'name=TOKEN', '-o', 'json']);
  expect(call.code, call.stderr).toBe(0);
  expect(call.stdout).toContain(CANARY);
}

async function stopDaemon(): Promise<void> {
  const stop = await run(['daemon', 'stop']);
  expect(stop.code, stop.stderr).toBe(0);
}

describe('backup create and restore', () => {
  it('a daemon with two servers (one given a canary secret), a profile and a token', async () => {
    const set = await mcpctlWithInput(h.home, ['secret', 'set', 'CANARY'], CANARY);
    expect(set.code, set.stderr).toBe(0);
    const envr = ['envr', ...h.mark('envr'), '--env', `TOKEN=${ref('CANARY')}`];
    const added = await run(['server', 'add', ...envr, '--', CLI_NODE, join(FIXTURES, 'envReport.mjs')]);
    expect(added.code, added.stderr).toBe(0);
    expect((await run(['server', 'add', 'plain', '--no-autostart', '--', CLI_NODE])).code).toBe(0);
    expect((await run(['profile', 'create', 'p1', '--server', 'envr', '--server', 'plain'])).code).toBe(0);
    expect((await run(['token', 'create', 'viewer1', '--role', 'viewer'])).code).toBe(0);
    await canaryReachesServer();
  });

  it('creates a backup while the daemon runs: counts, 0600, secrets only as ciphertext', async () => {
    const created = await run(['backup', 'create', backupFile()]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`wrote backup ${backupFile()} (`);
    expect(created.stdout).toContain('taken by the daemon');
    expect(created.stdout).toMatch(/servers 2, profiles 1, tokens 1, secrets 1, /);
    expect(created.stdout).toContain('the master key is not in it');
    expect(statSync(backupFile()).mode & 0o777).toBe(0o600);
    expect(readFileSync(backupFile()).includes(Buffer.from(CANARY))).toBe(false);

    const again = await run(['backup', 'create', backupFile(), '-o', 'json']);
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stderr)).toMatchObject({ error: { code: 'ALREADY_EXISTS' } });
    const forced = await json<{ madeBy: string; counts: Record<string, number>; schemaVersion: number }>([
      'backup',
      'create',
      backupFile(),
      '--force',
    ]);
    expect(forced).toMatchObject({ madeBy: 'daemon', schemaVersion: SCHEMA_VERSION, masterKeyIncluded: false });
    expect(forced.counts).toMatchObject({ servers: 2, profiles: 1, tokens: 1, secrets: 1 });
  });

  it('refuses to restore under a running daemon, and changes nothing', async () => {
    const refused = await run(['backup', 'restore', backupFile()]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the daemon \(pid \d+\) is running: a restore replaces its store/);
    expect(refused.stderr).toContain('--stop');
    expect((await run(['server', 'status', 'envr'])).code).toBe(0);
  });

  it('refuses a missing file (8), a non-database (2), a truncated file (1), a newer schema (3): the store untouched', async () => {
    await stopDaemon();
    const before = readFileSync(db());
    const text = join(h.home, 'notes.txt');
    writeFileSync(text, 'not a backup\n');
    const truncated = join(h.home, 'truncated.db');
    copyFileSync(backupFile(), truncated);
    truncateSync(truncated, Math.floor(statSync(truncated).size / 2));
    const newer = join(h.home, 'newer.db');
    copyFileSync(backupFile(), newer);
    const handle = new Database(newer);
    handle.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    handle.close();

    const cases: Array<[string, number, string]> = [
      [join(h.home, 'missing.db'), 8, 'no backup file'],
      [text, 2, 'is not an mcpctl backup'],
      [db(), 2, 'is not an mcpctl backup'],
      [truncated, 1, 'is damaged: truncated'],
      [newer, 3, `has schema version ${SCHEMA_VERSION + 1}, newer than this mcpctl knows (${SCHEMA_VERSION})`],
    ];
    for (const [file, code, message] of cases) {
      const result = await run(['backup', 'restore', file]);
      expect(result.code, `${file}: ${result.stderr}`).toBe(code);
      expect(result.stderr).toContain(message);
    }
    expect(readFileSync(db()).equals(before)).toBe(true);
    expect(h.daemonPids()).toEqual([]);
  });

  it('wiped store, restore, start: every server, profile, token and secret is back; the canary reaches its server', async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(db() + suffix, { force: true });
    const restored = await run(['backup', 'restore', backupFile()]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`restored ${backupFile()} (taken `);
    expect(restored.stdout).toContain(`into ${db()}`);
    expect(restored.stdout).toContain('there was no store before');

    const servers = await json<Array<{ name: string; state: string }>>(['ls']);
    expect(servers.map((server) => server.name)).toEqual(['envr', 'plain']);
    const profiles = await json<Array<{ name: string; members: Array<{ server: string }> }>>(['profile', 'ls']);
    expect(profiles).toEqual([
      expect.objectContaining({
        name: 'p1',
        members: [expect.objectContaining({ server: 'envr' }), expect.anything()],
      }),
    ]);
    expect((await json<Array<{ name: string }>>(['token', 'ls'])).map((token) => token.name)).toEqual(['viewer1']);
    const secrets = await json<Array<{ name: string; usedBy: string[] }>>(['secret', 'ls']);
    expect(secrets).toEqual([expect.objectContaining({ name: 'CANARY', usedBy: ['server:envr'] })]);
    await canaryReachesServer();
  });

  it('--stop stops the running daemon, restores, and names the copy of the store it replaced', async () => {
    expect((await run(['server', 'add', 'later', '--no-autostart', '--', CLI_NODE])).code).toBe(0);
    const result = await run(['backup', 'restore', backupFile(), '--stop', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { stoppedDaemon: number; previous: string; store: string };
    expect(summary.stoppedDaemon).toEqual(expect.any(Number));
    expect(summary.store).toBe(db());
    expect(summary.previous).toMatch(/mcpctl\.db\.before-restore-[\dTZ-]+$/);
    expect(h.daemonPids()).toEqual([]);
    expect(serverNames(db())).toEqual(['envr', 'plain']);
    expect(serverNames(summary.previous)).toEqual(['envr', 'later', 'plain']);
  });

  it('with no daemon running, backup create reads the store itself and starts none', async () => {
    const file = join(h.home, 'cold.db');
    const cold = await json<{ madeBy: string; counts: Record<string, number> }>(['backup', 'create', file]);
    expect(cold).toMatchObject({ madeBy: 'cli', counts: { servers: 2, profiles: 1, tokens: 1, secrets: 1 } });
    expect(h.daemonPids()).toEqual([]);
  });
});

/** Runs `backup restore` paused after `step` (MCPCTL_TEST_RESTORE_PAUSE), then kills it with -9. */
function restoreKilledAfter(step: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI_NODE, [CLI, 'backup', 'restore', backupFile()], {
      env: { ...process.env, ...NO_KEYRING, MCPCTL_HOME: h.home, NO_COLOR: '1', MCPCTL_TEST_RESTORE_PAUSE: step },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(`paused after ${step}`)) child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`restore ended (${code}) before it paused after ${step}: ${stderr}`));
    });
  });
}

describe('a restore killed with -9', () => {
  const oldStore = () => join(h.home, 'old-store.db');

  it('the live store holds one server more than the backup', async () => {
    const add = await run(['server', 'add', 'extra', '--no-autostart', '--', CLI_NODE]);
    expect(add.code, add.stderr).toBe(0);
    await stopDaemon();
    expect(existsSync(`${db()}-wal`)).toBe(false);
    copyFileSync(db(), oldStore());
  });

  it.each([
    ['staged', 'old'],
    ['kept', 'old'],
    ['swapping', 'old'],
    ['swapped', 'new'],
  ])('after %s leaves the %s store, whole', async (step, which) => {
    copyFileSync(oldStore(), db());
    await restoreKilledAfter(step);
    expect(serverNames(db())).toEqual(which === 'old' ? ['envr', 'extra', 'plain'] : ['envr', 'plain']);
  });

  it('the next daemon opens the store a kill left (its stale pid file and staging file are no obstacle)', async () => {
    copyFileSync(oldStore(), db());
    await restoreKilledAfter('swapping');
    const listed = await json<Array<{ name: string }>>(['ls']);
    expect(listed.map((server) => server.name)).toEqual(['envr', 'extra', 'plain']);
  });
});
