import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDaemonLogger } from '../../../../src/daemon/monitor/daemonLogger.js';
import type { LogLine } from '../../../../src/daemon/monitor/logLine.js';
import { readLogLines } from '../../../../src/daemon/monitor/logReader.js';
import { useShortTempDir } from '../ipc/helpers.js';

const tempDir = useShortTempDir();

function logPath(): string {
  return join(tempDir(), 'logs', 'daemon.log');
}

function records(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createDaemonLogger', () => {
  it('writes JSON lines with ISO time, level label, fields and message, synchronously', () => {
    const file = logPath();
    const { logger, close } = createDaemonLogger({ file, maxBytes: 1_000_000, keep: 2 });
    logger.info({ server: 'memory', pid: 12 }, 'instance started');
    // No flush, no await: the line is already on disk.
    const [record] = records(file);
    expect(record).toMatchObject({ level: 'info', server: 'memory', pid: 12, msg: 'instance started' });
    expect(new Date(record?.time as string).toISOString()).toBe(record?.time);
    close();
  });

  it('redacts secrets at the top and nested, including headers', () => {
    const file = logPath();
    const { logger, close } = createDaemonLogger({ file, maxBytes: 1_000_000, keep: 2 });
    logger.warn(
      {
        token: 't0p',
        password: 'hunter2',
        upstream: { apiKey: 'k3y', headers: { authorization: 'Bearer abc', 'x-trace': 'visible' } },
        headers: { Authorization: 'Bearer def', cookie: 'sid=1', 'set-cookie': 'sid=2' },
        config: { env: { secret: 's3cret' } },
      },
      'connecting',
    );
    logger.child({ clientSecret: 'cs' }).error({ access_token: 'at', 'set-cookie': 'sid=3' }, 'child line');
    const text = readFileSync(file, 'utf8');
    for (const secret of [
      't0p',
      'hunter2',
      'k3y',
      'Bearer abc',
      'Bearer def',
      'sid=1',
      'sid=2',
      's3cret',
      '"cs"',
      '"at"',
    ]) {
      expect(text).not.toContain(secret);
    }
    const [first] = records(file);
    expect(first).toMatchObject({
      token: '[REDACTED]',
      upstream: { apiKey: '[REDACTED]', headers: { authorization: '[REDACTED]', 'x-trace': 'visible' } },
    });
    close();
  });

  it('respects the level and serializes errors', () => {
    const file = logPath();
    const { logger, close } = createDaemonLogger({ file, maxBytes: 1_000_000, keep: 2, level: 'warn' });
    logger.info({}, 'hidden');
    logger.debug({}, 'hidden too');
    logger.error({ err: new Error('boom') }, 'failed');
    const all = records(file);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ level: 'error', msg: 'failed', err: { message: 'boom', type: 'Error' } });
    close();
  });

  it('rejects an unknown level with a hint', () => {
    expect(() => createDaemonLogger({ file: logPath(), maxBytes: 1000, keep: 1, level: 'loud' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', hint: expect.stringContaining('info') }),
    );
  });

  it('lets followers see each record as a LogLine', () => {
    const file = logPath();
    const { logger, logFile, close } = createDaemonLogger({ file, maxBytes: 1_000_000, keep: 2 });
    const seen: LogLine[] = [];
    const unsubscribe = logFile.subscribe((line) => seen.push(line));
    logger.info({ n: 1 }, 'one');
    unsubscribe();
    logger.info({ n: 2 }, 'two');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.stream).toBe('daemon');
    expect(JSON.parse(seen[0]?.text as string)).toMatchObject({ n: 1, msg: 'one', time: seen[0]?.time });
    close();
  });

  it('rotates its file and reads back across rotations with the json format', () => {
    const file = logPath();
    const { logger, close } = createDaemonLogger({ file, maxBytes: 2000, keep: 3 });
    for (let i = 0; i < 200; i++) logger.info({ i }, 'tick');
    close();
    expect(readdirSync(join(file, '..')).sort()).toEqual([
      'daemon.log',
      'daemon.log.1',
      'daemon.log.2',
      'daemon.log.3',
    ]);
    const tail = readLogLines(file, { tail: 5, keep: 3, format: 'json' });
    expect(tail.map((line) => (JSON.parse(line.text) as { i: number }).i)).toEqual([195, 196, 197, 198, 199]);
  });
});
