import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { keyIdOf } from '../../src/core/secrets/cipher.js';
import { readKeyFile } from '../../src/core/secrets/keyFile.js';
import { secretReference as ref } from '../../src/core/secrets/references.js';
import { CLI, CLI_NODE, FIXTURES, waitFor } from '../helpers/cli.js';
import { e2eHome } from '../helpers/e2e.js';
import { mcpctlWithInput, NO_KEYRING, readAllSecrets } from '../helpers/secrets.js';

/**
 * The master key: `secret rotate-key` keeps every secret readable, also when the daemon is killed
 * with -9 in the middle of one; a wrong MCPCTL_MASTER_KEY is a clear error that changes nothing.
 */
const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

async function setSecrets(home: string, values: Map<string, string>, env: NodeJS.ProcessEnv = {}): Promise<void> {
  for (const [name, value] of values) {
    const set = await mcpctlWithInput(home, ['secret', 'set', name], value, env);
    expect(set.code, set.stderr).toBe(0);
  }
}

/** What the envReport fixture server says its env var `name` holds. */
/** `envr`, an envReport.mjs server whose V is the secret `secret`; started, or the test fails. */
async function addEnvReporter(h: ReturnType<typeof e2eHome>, secret: string, env: NodeJS.ProcessEnv): Promise<void> {
  const added = await h.run(
    [
      'server',
      'add',
      'envr',
      ...h.mark('envr'),
      '--env',
      `V=${ref(secret)}`,
      '--',
      CLI_NODE,
      join(FIXTURES, 'envReport.mjs'),
    ],
    { env },
  );
  expect(added.code, added.stderr).toBe(0);
}

async function reported(h: ReturnType<typeof e2eHome>, server: string, name: string, env = NO_KEYRING) {
  const call = await h.run(['call', server, 'env', `name=${name}`, '-o', 'json'], { env });
  expect(call.code, call.stderr).toBe(0);
  return JSON.parse(JSON.parse(call.stdout).content[0].text).value as string | null;
}

describe('secret rotate-key', () => {
  it('re-encrypts every secret under a new key file, and the servers still get their values', async () => {
    const h = e2eHome();
    try {
      const values = new Map([
        ['ONE', 'first value'],
        ['TWO', 'second value'],
        ['THREE', 'third value'],
      ]);
      await setSecrets(h.home, values);
      const before = readFileSync(join(h.home, 'master.key'), 'utf8');
      const rotated = await h.run(['secret', 'rotate-key', '-o', 'json'], { env: NO_KEYRING });
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(JSON.parse(rotated.stdout)).toMatchObject({ count: 3, keySource: 'file' });
      expect(readFileSync(join(h.home, 'master.key'), 'utf8')).not.toBe(before);
      expect(existsSync(join(h.home, 'master.key.next'))).toBe(false);
      expect(await readAllSecrets(h.home)).toEqual(values);
      await addEnvReporter(h, 'TWO', NO_KEYRING);
      expect(await reported(h, 'envr', 'V')).toBe('second value');
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('leaves every secret readable with the old or the new key when the daemon is killed -9 during it', async () => {
    const h = e2eHome();
    // TEST ONLY hook: each secret's re-encryption pauses 80 ms inside the transaction, so the kill lands in it.
    const env = { ...NO_KEYRING, MCPCTL_TEST_ROTATION_PAUSE_MS: '80' };
    try {
      const values = new Map(Array.from({ length: 8 }, (_, i) => [`S${i}`, `value number ${i}`] as const));
      await setSecrets(h.home, values, env);
      const pending = join(h.home, 'master.key.next');
      const phases: string[] = [];
      // 8 x 80 ms of transaction: killed in its middle, then near its end or just after its commit.
      for (const delayMs of [300, 640]) {
        const daemonPid = h.pidFilePid() ?? (await h.json<{ pid: number }>(['daemon', 'status'], env)).pid;
        const rotation = spawn(CLI_NODE, [CLI, 'secret', 'rotate-key'], {
          env: { ...process.env, MCPCTL_HOME: h.home, MCPCTL_GATEWAY_PORT: '0', ...env },
          stdio: 'ignore',
        });
        await waitFor('the rotation to store its pending key', () => (existsSync(pending) ? true : undefined), 20_000);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        process.kill(daemonPid, 'SIGKILL');
        await new Promise((resolve) => rotation.once('close', resolve));
        // Every secret opens with the old key or the new one, as the files hold them after the kill.
        expect(await readAllSecrets(h.home)).toEqual(values);
        phases.push(rotationPhase(h.home));
        // The next daemon settles it (finishes or undoes the rotation) and serves every secret.
        expect((await h.json<unknown[]>(['secret', 'ls'], env)).length).toBe(8);
        const status = await h.json<{ secrets: { count: number; problem: string | null } }>(['daemon', 'status'], env);
        expect(status.secrets).toMatchObject({ count: 8, problem: null });
        expect(existsSync(pending)).toBe(false);
        expect(await readAllSecrets(h.home)).toEqual(values);
      }
      // The first kill landed inside the transaction: the store still held the old ciphertexts.
      expect(phases[0]).toBe('in the transaction');
      await addEnvReporter(h, 'S7', env);
      expect(await reported(h, 'envr', 'V', env)).toBe('value number 7');
    } finally {
      await h.dispose();
    }
  }, 120_000);
});

describe('bad input', () => {
  it('a wrong MCPCTL_MASTER_KEY is a clear error and destroys nothing', async () => {
    const h = e2eHome();
    const right = { ...NO_KEYRING, MCPCTL_MASTER_KEY: KEY_A };
    const wrong = { ...NO_KEYRING, MCPCTL_MASTER_KEY: KEY_B };
    try {
      await setSecrets(h.home, new Map([['TOKEN', 'the right value']]), right);
      await addEnvReporter(h, 'TOKEN', right);
      expect(existsSync(join(h.home, 'master.key'))).toBe(false);
      expect((await h.run(['daemon', 'stop'], { env: right })).code).toBe(0);
      const stored = rawSecrets(h.home);

      const set = await mcpctlWithInput(h.home, ['secret', 'set', 'OTHER'], 'x', wrong);
      expect(set.code).toBe(3);
      expect(set.stderr).toContain('the master key from MCPCTL_MASTER_KEY');
      expect(set.stderr).toContain('is not the one the secrets were encrypted with');
      expect(set.stderr).toContain('Hint: set MCPCTL_MASTER_KEY to the key the secrets were set with');
      const status = await h.json<{ secrets: { keySource: string; problem: string | null } }>(
        ['daemon', 'status'],
        wrong,
      );
      expect(status.secrets.keySource).toBe('env');
      expect(status.secrets.problem).toContain('is not the one the secrets were encrypted with');
      const rotate = await h.run(['secret', 'rotate-key'], { env: wrong });
      expect(rotate.code).not.toBe(0);
      const view = await waitFor('the server to fail on the key', async () => {
        const shown = await h.json<{ lastError: string | null }>(['server', 'show', 'envr'], wrong);
        return shown.lastError ? shown : undefined;
      });
      expect(view.lastError).toContain('is not the one the secrets were encrypted with');
      expect((await h.run(['daemon', 'stop'], { env: wrong })).code).toBe(0);
      expect(rawSecrets(h.home)).toEqual(stored);

      // The right key again: everything is as it was.
      await waitFor('the server to run', async () => {
        const shown = await h.json<{ state: string }>(['server', 'show', 'envr'], right);
        return shown.state === 'running' ? true : undefined;
      });
      expect(await reported(h, 'envr', 'V', right)).toBe('the right value');
    } finally {
      await h.dispose();
    }
  }, 90_000);

  // util-linux `script` runs the CLI on a pseudo-terminal, as from a user's shell.
  it.skipIf(process.platform !== 'linux' || !existsSync('/usr/bin/script'))(
    'on a terminal, the value is asked for without echo',
    async () => {
      const h = e2eHome();
      try {
        const child = spawn('script', ['-qfec', `'${CLI_NODE}' '${CLI}' secret set TYPED`, '/dev/null'], {
          env: { ...process.env, ...NO_KEYRING, MCPCTL_HOME: h.home, NO_COLOR: '1', MCPCTL_GATEWAY_PORT: '0' },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let screen = '';
        child.stdout.on('data', (chunk: Buffer) => {
          const before = screen;
          screen += chunk.toString();
          if (!before.includes('(hidden): ') && screen.includes('Value of TYPED (hidden): '))
            child.stdin.write('typed value\r');
        });
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        expect(code, screen).toBe(0);
        expect(screen).toContain('set secret TYPED');
        expect(screen).not.toContain('typed value');
        expect(await readAllSecrets(h.home)).toEqual(new Map([['TYPED', 'typed value']]));
      } finally {
        await h.dispose();
      }
    },
    60_000,
  );

  it('a secret name in a bad shape exits 2 before the daemon is touched', async () => {
    const h = e2eHome();
    try {
      for (const args of [
        ['secret', 'set', 'has space'],
        ['secret', 'set', '9starts-with-digit'],
        ['secret', 'rm', 'bad/name'],
      ]) {
        const result = await mcpctlWithInput(h.home, args, 'value');
        expect(result.code, args.join(' ')).toBe(2);
        expect(result.stderr).toContain('invalid secret name');
      }
      const empty = await mcpctlWithInput(h.home, ['secret', 'set', 'EMPTY'], '');
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain("no value given for the secret 'EMPTY'");
      expect(h.daemonPids()).toEqual([]);
      // A value is never taken from argv.
      const argv = await h.run(['secret', 'set', 'NAME', 'value'], { env: NO_KEYRING });
      expect(argv.code).toBe(2);
    } finally {
      await h.dispose();
    }
  }, 60_000);
});

/** Where a killed rotation stopped, from the files it left: the pending key, and which key the rows are under. */
function rotationPhase(home: string): string {
  const pending = readKeyFile(join(home, 'master.key.next'));
  if (!pending) return 'done';
  const db = new Database(join(home, 'mcpctl.db'), { readonly: true });
  try {
    const ids = (db.prepare('SELECT DISTINCT key_id AS id FROM secrets').all() as Array<{ id: string }>).map(
      (r) => r.id,
    );
    return ids.every((id) => id === keyIdOf(pending)) ? 'committed' : 'in the transaction';
  } finally {
    db.close();
  }
}

function rawSecrets(home: string): string {
  const db = new Database(join(home, 'mcpctl.db'), { readonly: true });
  try {
    return JSON.stringify(db.prepare('SELECT * FROM secrets ORDER BY name').all());
  } finally {
    db.close();
  }
}
