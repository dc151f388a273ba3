import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/shared/logger.js';
import { integrityCheck } from '../../../src/store/database.js';
import { openSqliteStore } from '../../../src/store/sqliteStore.js';
import { useTempDir } from './tempDir.js';

const WRITER = fileURLToPath(new URL('../../fixtures/store/durableWriter.mjs', import.meta.url));

/** Runs the writer until it has acknowledged `killAfter` ids, SIGKILLs it, returns every id it acknowledged. */
function writeUntilKilled(path: string, killAfter: number): Promise<{ acked: number[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: number[] = [];
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) acked.push(Number(line));
      if (acked.length >= killAfter && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    // 'close': the exit and the end of stdout, so every acknowledged line has been read.
    child.on('close', (_code, signal) => resolve({ acked, signal }));
  });
}

describe('durability', () => {
  const tempDir = useTempDir();

  it('every write acknowledged before a kill -9 is there after reopening, and the file is sound', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const setup = openSqliteStore({ path, logger: silentLogger });
    await setup.servers.insert({ name: 'victim', transport: 'stdio', spec: {} });
    setup.close();

    // A random moment: somewhere between the 50th and the 1,050th acknowledged commit.
    const killAfter = 50 + Math.floor(Math.random() * 1000);
    const { acked, signal } = await writeUntilKilled(path, killAfter);
    expect(signal).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(killAfter);

    const store = openSqliteStore({ path, logger: silentLogger });
    const stored = new Set((await store.events.list({ server: 'victim', limit: 100_000 })).map((e) => e.id));
    store.close();
    const lost = acked.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(integrityCheck(path)).toBe('ok');
  });
});
