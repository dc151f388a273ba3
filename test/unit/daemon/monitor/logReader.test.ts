import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServerLogFile } from '../../../../src/daemon/monitor/logFile.js';
import { readLogLines } from '../../../../src/daemon/monitor/logReader.js';
import { useShortTempDir } from '../ipc/helpers.js';

const tempDir = useShortTempDir();
const BASE = Date.parse('2024-03-01T00:00:00.000Z');

function timeOf(index: number): Date {
  return new Date(BASE + index * 1000);
}

/** 200 lines "line 0" … "line 199", one second apart, rotated over several files. */
function writeRotatedLog(): { path: string; files: number } {
  const path = join(tempDir(), 'srv.log');
  const log = new ServerLogFile({ path, maxBytes: 2000, keep: 10 });
  for (let i = 0; i < 200; i++) log.appendLine('stdout', `line ${i}`, timeOf(i));
  log.close();
  return { path, files: 10 };
}

describe('readLogLines (server format)', () => {
  it('returns the newest N lines in order across rotated files', () => {
    const { path } = writeRotatedLog();
    const lines = readLogLines(path, { tail: 120, keep: 10, format: 'server' });
    expect(lines.map((line) => line.text)).toEqual(Array.from({ length: 120 }, (_, i) => `line ${i + 80}`));
    expect(lines[0]).toEqual({ time: timeOf(80).toISOString(), stream: 'stdout', text: 'line 80' });
  });

  it('returns everything, oldest first, without tail', () => {
    const { path } = writeRotatedLog();
    const lines = readLogLines(path, { keep: 10, format: 'server' });
    expect(lines.map((line) => line.text)).toEqual(Array.from({ length: 200 }, (_, i) => `line ${i}`));
  });

  it('reads only the files it is told to keep', () => {
    const { path } = writeRotatedLog();
    const all = readLogLines(path, { keep: 10, format: 'server' });
    const recent = readLogLines(path, { keep: 1, format: 'server' });
    expect(recent.length).toBeLessThan(all.length);
    expect(recent.at(-1)?.text).toBe('line 199');
  });

  it('filters by since, and combines since with tail', () => {
    const { path } = writeRotatedLog();
    const since = readLogLines(path, { since: timeOf(150), keep: 10, format: 'server' });
    expect(since.map((line) => line.text)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i + 150}`));
    const both = readLogLines(path, { since: timeOf(150), tail: 5, keep: 10, format: 'server' });
    expect(both.map((line) => line.text)).toEqual(['line 195', 'line 196', 'line 197', 'line 198', 'line 199']);
    expect(readLogLines(path, { since: timeOf(500), keep: 10, format: 'server' })).toEqual([]);
  });

  it('stops reading once the tail is found: older files are never opened', () => {
    const { path } = writeRotatedLog();
    // An unreadable oldest file: reading it would throw EISDIR.
    rmSync(`${path}.3`);
    mkdirSync(`${path}.3`);
    expect(readLogLines(path, { tail: 3, keep: 10, format: 'server' }).map((line) => line.text)).toEqual([
      'line 197',
      'line 198',
      'line 199',
    ]);
    expect(() => readLogLines(path, { keep: 10, format: 'server' })).toThrow(/EISDIR/);
  });

  it('answers an empty list for tail 0 and for a log that does not exist', () => {
    const { path } = writeRotatedLog();
    expect(readLogLines(path, { tail: 0, keep: 10, format: 'server' })).toEqual([]);
    expect(readLogLines(`${path}.missing`, { tail: 10, keep: 3, format: 'server' })).toEqual([]);
  });

  it('reads a large log backwards: lines across 64 KiB chunk edges come back whole', () => {
    const path = join(tempDir(), 'big.log');
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++)
      lines.push(`${timeOf(i).toISOString()} stderr ${String(i).padStart(5, '0')} ${'é'.repeat(i % 97)}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const read = readLogLines(path, { keep: 0, format: 'server' });
    expect(read).toHaveLength(5000);
    expect(read.map((line) => `${line.time} ${line.stream} ${line.text}`)).toEqual(lines);
    expect(readLogLines(path, { tail: 3, keep: 0, format: 'server' }).map((line) => line.text.slice(0, 5))).toEqual([
      '04997',
      '04998',
      '04999',
    ]);
  });

  it('keeps a line it cannot parse, undated, and a last line without newline', () => {
    const path = join(tempDir(), 'odd.log');
    writeFileSync(path, `garbage here\n${timeOf(1).toISOString()} stderr ok\n${timeOf(2).toISOString()} stderr cut`);
    expect(readLogLines(path, { keep: 0, format: 'server' })).toEqual([
      { time: null, stream: 'unknown', text: 'garbage here' },
      { time: timeOf(1).toISOString(), stream: 'stderr', text: 'ok' },
      { time: timeOf(2).toISOString(), stream: 'stderr', text: 'cut' },
    ]);
  });
});

describe('readLogLines (json format)', () => {
  it('dates pino lines by their time field and keeps the raw JSON as text', () => {
    const path = join(tempDir(), 'daemon.log');
    const records = [0, 1, 2].map((i) =>
      JSON.stringify({ level: 'info', time: timeOf(i).toISOString(), msg: `m${i}` }),
    );
    writeFileSync(path, `${records.join('\n')}\n{"broken\n`);
    const lines = readLogLines(path, { keep: 0, format: 'json' });
    expect(lines.slice(0, 3)).toEqual(
      records.map((text, i) => ({ time: timeOf(i).toISOString(), stream: 'daemon', text })),
    );
    expect(lines[3]).toEqual({ time: null, stream: 'daemon', text: '{"broken' });
    const since = readLogLines(path, { since: timeOf(1), keep: 0, format: 'json' });
    expect(since.map((line) => line.text)).toEqual([records[1], records[2], '{"broken']);
  });
});
