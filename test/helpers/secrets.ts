import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, CLI_NODE, type CliResult } from './cli.js';

/** The test daemons never touch the desktop keyring of whoever runs the tests. */
export const NO_KEYRING = { MCPCTL_NO_KEYRING: '1' };

/** Runs the built CLI with `input` on its stdin (a pipe, as `printf ... | mcpctl secret set` gives). */
export function mcpctlWithInput(
  home: string,
  args: string[],
  input: string,
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI_NODE, [CLI, ...args], {
      env: { ...process.env, MCPCTL_HOME: home, NO_COLOR: '1', MCPCTL_GATEWAY_PORT: '0', ...NO_KEYRING, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Every file under `dir` whose raw bytes hold `needle` (the database, its -wal and -shm, logs, config...). */
export function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const bytes = Buffer.from(needle, 'utf8');
  const walk = (path: string): void => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      const stat = statSync(full, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile() && readFileSync(full).includes(bytes)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

/**
 * Opens every secret of the home's database with the key file or, where it is still there, the
 * pending key of a rotation: what a restarted daemon could read. Throws naming a secret neither opens.
 */
export async function readAllSecrets(home: string): Promise<Map<string, string>> {
  const { default: Database } = await import('better-sqlite3');
  const { unseal } = await import('../../src/core/secrets/cipher.js');
  const { readKeyFile } = await import('../../src/core/secrets/keyFile.js');
  const keys = [readKeyFile(join(home, 'master.key')), readKeyFile(join(home, 'master.key.next'))].filter(
    (key): key is Buffer => key !== undefined,
  );
  const db = new Database(join(home, 'mcpctl.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT name, ciphertext, nonce, key_id AS keyId FROM secrets').all() as Array<{
      name: string;
      ciphertext: Buffer;
      nonce: Buffer;
      keyId: string;
    }>;
    const values = new Map<string, string>();
    for (const row of rows) {
      const opened = keys.flatMap((key) => {
        try {
          return [unseal(key, row.name, row)];
        } catch {
          return [];
        }
      });
      if (opened.length === 0) throw new Error(`no key opens the secret ${row.name}`);
      values.set(row.name, opened[0] as string);
    }
    return values;
  } finally {
    db.close();
  }
}
