import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretReference as ref } from '../../src/core/secrets/references.js';
import { POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres/migrations.js';
import { CLI, CLI_NODE, FIXTURES } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { usePostgres } from '../helpers/postgres.js';
import { mcpctlWithInput, NO_KEYRING } from '../helpers/secrets.js';

/**
 * `backup create` and `backup restore` on the built binary with a daemon whose store is a real
 * PostgreSQL: the backup taken while it runs brings back every server, profile, token and secret
 * after the schema is dropped (the canary secret still reaches its server); bad files are refused
 * with the same exit codes as on SQLite and change nothing; no password is ever in the file.
 */
const cluster = usePostgres();
const CANARY = `canary-${randomBytes(16).toString('hex')}`;
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The backup again with its header edited and its checksum made to match: a well-formed file. */
function rewrittenHeader(from: string, to: string, edit: (header: Record<string, unknown>) => void): void {
  const lines = readFileSync(from, 'utf8').split('\n').slice(0, -2);
  const header = JSON.parse(lines[0] as string) as Record<string, unknown>;
  edit(header);
  lines[0] = JSON.stringify(header);
  const body = `${lines.join('\n')}\n`;
  const sha256 = createHash('sha256').update(body).digest('hex');
  writeFileSync(to, `${body}{"end":{"rows":${lines.length - 1},"sha256":"${sha256}"}}\n`);
}

describe('backup create and restore on PostgreSQL', () => {
  let h: E2eHome;
  // The embedded store a user moves from (and back to). Both homes share one master key, as a
  // move keeps it: the secrets stay the ciphertext they were.
  let embedded: E2eHome | undefined;
  const key = { ...NO_KEYRING, MCPCTL_MASTER_KEY: randomBytes(32).toString('hex') };
  const inEmbedded = (args: string[]) => (embedded as E2eHome).run(args, { env: key });
  let url: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]) => h.run(args, { env });
  const json = <T>(args: string[]) => h.json<T>(args, env);
  const backupFile = () => join(h.home, 'backup.jsonl');
  const canaryReachesServer = async () => {
    const call = await run(['call', 'envr', 'env', 'name=TOKEN', '-o', 'json']);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toContain(CANARY);
  };

  beforeAll(async () => {
    h = e2eHome();
    const db = await cluster().createDatabase();
    url = db.url;
    // Trust authentication ignores the password: it is here to be kept out of every file.
    env = { ...NO_KEYRING, MCPCTL_STORE_URL: db.url.replace('postgres@', `postgres:${PASSWORD}@`) };
  });
  afterAll(async () => {
    await h.run(['daemon', 'stop'], { env });
    await h.dispose();
    await embedded?.run(['daemon', 'stop'], { env: key });
    await embedded?.dispose();
  });

  it('a daemon on PostgreSQL with two servers (one given a canary secret), a profile and a token', async () => {
    const set = await mcpctlWithInput(h.home, ['secret', 'set', 'CANARY'], CANARY, env);
    expect(set.code, set.stderr).toBe(0);
    const envr = ['envr', ...h.mark('envr'), '--env', `TOKEN=${ref('CANARY')}`];
    const added = await run(['server', 'add', ...envr, '--', CLI_NODE, join(FIXTURES, 'envReport.mjs')]);
    expect(added.code, added.stderr).toBe(0);
    expect((await run(['server', 'add', 'plain', '--no-autostart', '--', CLI_NODE])).code).toBe(0);
    expect((await run(['profile', 'create', 'p1', '--server', 'envr', '--server', 'plain'])).code).toBe(0);
    expect((await run(['token', 'create', 'viewer1', '--role', 'viewer'])).code).toBe(0);
    await canaryReachesServer();
  });

  it('creates a logical backup while the daemon runs: counts, 0600, secrets only as ciphertext, no password', async () => {
    const created = await json<{ madeBy: string; format: string; source: string; counts: Record<string, number> }>([
      'backup',
      'create',
      backupFile(),
    ]);
    expect(created).toMatchObject({
      madeBy: 'daemon',
      format: 'postgres',
      schemaVersion: POSTGRES_SCHEMA_VERSION,
      source: `${cluster().socketDir}:5432/${url.split('/').pop()?.split('?')[0]}`,
      masterKeyIncluded: false,
    });
    expect(created.counts).toMatchObject({ servers: 2, profiles: 1, tokens: 1, secrets: 1 });
    expect(statSync(backupFile()).mode & 0o777).toBe(0o600);
    const text = readFileSync(backupFile(), 'utf8');
    expect(text.startsWith('{"mcpctlBackup":"logical"')).toBe(true);
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(PASSWORD);
  });

  it('refuses to restore under the running daemon, and bad files with their exit codes, changing nothing', async () => {
    const refused = await run(['backup', 'restore', backupFile()]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the daemon \(pid \d+\) is running: a restore replaces its store/);
    const stop = await run(['daemon', 'stop']);
    expect(stop.code, stop.stderr).toBe(0);

    const text = join(h.home, 'notes.txt');
    writeFileSync(text, 'not a backup\n');
    const truncated = join(h.home, 'truncated.jsonl');
    const whole = readFileSync(backupFile());
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const newer = join(h.home, 'newer.jsonl');
    rewrittenHeader(backupFile(), newer, (header) => {
      header.schemaVersion = POSTGRES_SCHEMA_VERSION + 1;
    });
    const cases: Array<[string, number, string]> = [
      [join(h.home, 'missing.jsonl'), 8, 'no backup file'],
      [text, 2, 'is not an mcpctl backup'],
      [truncated, 1, 'is damaged: truncated'],
      [
        newer,
        3,
        `has schema version ${POSTGRES_SCHEMA_VERSION + 1}, newer than this mcpctl knows (${POSTGRES_SCHEMA_VERSION})`,
      ],
    ];
    for (const [file, code, message] of cases) {
      const result = await run(['backup', 'restore', file]);
      expect(result.code, `${file}: ${result.stderr}`).toBe(code);
      expect(result.stderr).toContain(message);
    }
    expect((await json<Array<{ name: string }>>(['ls'])).map((server) => server.name)).toEqual(['envr', 'plain']);
  });

  it('dropped schema, restore, start: every server, profile, token and secret is back; the canary reaches its server', async () => {
    expect((await run(['daemon', 'stop'])).code).toBe(0);
    await sql(url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    const restored = await run(['backup', 'restore', backupFile()]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`restored ${backupFile()} (taken `);
    expect(restored.stdout).toContain(`into ${cluster().socketDir}:5432/`);
    expect(restored.stdout).toContain('there was no store before');
    expect(restored.stdout + restored.stderr).not.toContain(PASSWORD);

    const servers = await json<Array<{ name: string }>>(['ls']);
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

  it('--stop stops the daemon and restores over a live store, keeping the one it replaced; no daemon: backup create reads the store itself', async () => {
    expect((await run(['server', 'add', 'later', '--no-autostart', '--', CLI_NODE])).code).toBe(0);
    const result = await json<{ stoppedDaemon: number | null; previous: string }>([
      'backup',
      'restore',
      backupFile(),
      '--stop',
    ]);
    expect(result.stoppedDaemon).toEqual(expect.any(Number));
    expect(result.previous).toMatch(/postgres\.before-restore-[\dTZ-]+$/);
    expect(readFileSync(result.previous, 'utf8')).toContain('"name":"later"');
    expect(h.daemonPids()).toEqual([]);

    const cold = await json<{ madeBy: string; counts: Record<string, number> }>([
      'backup',
      'create',
      join(h.home, 'cold.jsonl'),
    ]);
    expect(cold).toMatchObject({ madeBy: 'cli', counts: { servers: 2, profiles: 1, tokens: 1, secrets: 1 } });
    expect(h.daemonPids()).toEqual([]);
  });

  it('a restore killed with -9 inside its transaction (every row loaded, not committed) leaves the store as it was', async () => {
    expect((await run(['server', 'add', 'kept', '--no-autostart', '--', CLI_NODE])).code).toBe(0);
    expect((await run(['daemon', 'stop'])).code).toBe(0);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(CLI_NODE, [CLI, 'backup', 'restore', backupFile()], {
        env: { ...process.env, ...env, MCPCTL_HOME: h.home, NO_COLOR: '1', MCPCTL_TEST_RESTORE_PAUSE: 'staged' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('paused after staged')) child.kill('SIGKILL');
      });
      child.once('error', reject);
      child.once('close', (code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`restore ended (${code}) before it paused: ${stderr}`)),
      );
    });
    const names = (await json<Array<{ name: string }>>(['ls'])).map((server) => server.name);
    expect(names).toEqual(['envr', 'kept', 'plain']);
  });

  it('moving from SQLite: an SQLite backup restored into PostgreSQL gives back its servers, profile, token and secret', async () => {
    embedded = e2eHome();
    const canary = `moved-${randomBytes(8).toString('hex')}`;
    const set = await mcpctlWithInput(embedded.home, ['secret', 'set', 'MOVED'], canary, key);
    expect(set.code, set.stderr).toBe(0);
    const moved = ['moved', ...h.mark('moved'), '--env', `TOKEN=${ref('MOVED')}`, '--no-autostart'];
    expect((await inEmbedded(['server', 'add', ...moved, '--', CLI_NODE, join(FIXTURES, 'envReport.mjs')])).code).toBe(
      0,
    );
    expect((await inEmbedded(['profile', 'create', 'p2', '--server', 'moved'])).code).toBe(0);
    expect((await inEmbedded(['token', 'create', 'ci', '--role', 'client'])).code).toBe(0);
    const file = join(embedded.home, 'sqlite.db');
    expect((await inEmbedded(['backup', 'create', file])).code).toBe(0);
    await inEmbedded(['daemon', 'stop']);

    expect((await run(['daemon', 'stop'])).code).toBe(0);
    env = { ...env, ...key };
    const restored = await json<{ format: string; store: string; previous: string | null }>([
      'backup',
      'restore',
      file,
    ]);
    expect(restored).toMatchObject({ format: 'sqlite', store: expect.stringContaining(cluster().socketDir) });
    expect(restored.previous).toMatch(/postgres\.before-restore-/);
    expect((await json<Array<{ name: string }>>(['ls'])).map((server) => server.name)).toEqual(['moved']);
    expect((await json<Array<{ name: string }>>(['profile', 'ls'])).map((profile) => profile.name)).toEqual(['p2']);
    expect((await json<Array<{ name: string }>>(['token', 'ls'])).map((token) => token.name)).toEqual(['ci']);
    expect((await run(['server', 'start', 'moved'])).code).toBe(0);
    const call = await run(['call', 'moved', 'env', 'name=TOKEN', '-o', 'json']);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toContain(canary);
  });

  it('and back: a PostgreSQL backup restored into an SQLite store', async () => {
    const back = await inEmbedded(['backup', 'restore', backupFile(), '-o', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({
      format: 'postgres',
      store: join(embedded?.home ?? '', 'mcpctl.db'),
    });
    const listed = await inEmbedded(['ls', '-o', 'json']);
    expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((server) => server.name)).toEqual([
      'envr',
      'plain',
    ]);
    const tokens = await inEmbedded(['token', 'ls', '-o', 'json']);
    expect((JSON.parse(tokens.stdout) as Array<{ name: string }>).map((token) => token.name)).toEqual(['viewer1']);
  });
});
