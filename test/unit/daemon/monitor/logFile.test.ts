import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ServerLogFile } from '../../../../src/daemon/monitor/logFile.js';
import type { LogLine } from '../../../../src/daemon/monitor/logLine.js';
import { useShortTempDir } from '../ipc/helpers.js';

const tempDir = useShortTempDir();

function open(): ServerLogFile {
  const dir = tempDir();
  return new ServerLogFile({ path: join(dir, 'srv.log'), maxBytes: 10_000_000, keep: 2 });
}

function contents(log: ServerLogFile): string {
  return readFileSync(log.path, 'utf8');
}

describe('ServerLogFile.appendLine', () => {
  it('writes `<ISO time> <stream> <text>` lines', () => {
    const log = open();
    log.appendLine('stderr', 'hello world', new Date('2024-05-01T10:00:00.000Z'));
    log.appendLine('mcpctl', 'started pid 42', new Date('2024-05-01T10:00:01.000Z'));
    expect(contents(log)).toBe(
      '2024-05-01T10:00:00.000Z stderr hello world\n2024-05-01T10:00:01.000Z mcpctl started pid 42\n',
    );
    log.close();
  });

  it('keeps one entry on one line: embedded CR and LF are escaped', () => {
    const log = open();
    const line = log.appendLine('stderr', 'a\nb\r\nc', new Date(0));
    expect(line?.text).toBe('a\\nb\\r\\nc');
    expect(contents(log).split('\n')).toHaveLength(2);
    log.close();
  });

  it('caps a line at 64 KiB with a marker naming what was cut', () => {
    const log = open();
    const line = log.appendLine('stderr', 'y'.repeat(70_000), new Date(0));
    expect(line?.text).toBe(`${'y'.repeat(65_536)}…[truncated ${70_000 - 65_536} bytes]`);
    log.close();
  });

  it('never splits a multi-byte character when cutting', () => {
    const log = open();
    const line = log.appendLine('stderr', 'é'.repeat(40_000), new Date(0)) as { text: string }; // 80,000 bytes
    const kept = line.text.slice(0, line.text.indexOf('…'));
    expect(kept).toBe('é'.repeat(32_768));
    expect(line.text.endsWith(`…[truncated ${80_000 - 65_536} bytes]`)).toBe(true);
    log.close();
  });
});

describe('ServerLogFile.subscribe', () => {
  it('gives followers every line appended until they unsubscribe', () => {
    const log = open();
    const seen: LogLine[] = [];
    const unsubscribe = log.subscribe((line) => seen.push(line));
    log.appendLine('stdout', 'first', new Date('2024-01-01T00:00:00.000Z'));
    unsubscribe();
    log.appendLine('stdout', 'second');
    expect(seen).toEqual([{ time: '2024-01-01T00:00:00.000Z', stream: 'stdout', text: 'first' }]);
    log.close();
  });

  it('drops a follower that throws without losing the line for others', () => {
    const log = open();
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error('gone');
    });
    log.subscribe((line) => seen.push(line.text));
    log.appendLine('stdout', 'one');
    log.appendLine('stdout', 'two');
    expect(seen).toEqual(['one', 'two']);
    expect(contents(log)).toContain(' stdout two\n');
    log.close();
  });
});

describe('ServerLogFile.pipeLines', () => {
  it('splits chunks into lines, across chunk and character boundaries, with CRLF and a final partial line', async () => {
    const log = open();
    const texts: string[] = [];
    log.subscribe((line) => texts.push(`${line.stream}:${line.text}`));
    const stream = new PassThrough();
    const done = log.pipeLines(stream, 'stderr');
    const euro = Buffer.from('€'); // 3 bytes
    stream.write('hel');
    stream.write('lo\nwor');
    stream.write(Buffer.concat([Buffer.from('ld '), euro.subarray(0, 1)]));
    stream.write(Buffer.concat([euro.subarray(1), Buffer.from('\r\n\nlast')])); // an empty line too
    stream.end(' words');
    await done;
    expect(texts).toEqual(['stderr:hello', 'stderr:world €', 'stderr:', 'stderr:last words']);
    expect(contents(log)).toMatch(/^\S+ stderr hello\n\S+ stderr world €\n\S+ stderr \n\S+ stderr last words\n$/);
    log.close();
  });

  it('caps a runaway line without holding it in memory', async () => {
    const log = open();
    const texts: string[] = [];
    log.subscribe((line) => texts.push(line.text));
    const stream = new PassThrough();
    const done = log.pipeLines(stream, 'stderr');
    for (let i = 0; i < 64; i++) stream.write('z'.repeat(16_384)); // 1 MiB, no newline
    stream.end('\nnext\n');
    await done;
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe(`${'z'.repeat(65_536)}…[truncated ${1_048_576 - 65_536} bytes]`);
    expect(texts[1]).toBe('next');
    log.close();
  });

  it('resolves when the stream is destroyed instead of ended, keeping the partial line', async () => {
    const log = open();
    const texts: string[] = [];
    log.subscribe((line) => texts.push(line.text));
    const stream = new PassThrough();
    const done = log.pipeLines(stream, 'stderr');
    stream.write('partial');
    await new Promise((resolve) => setImmediate(resolve));
    stream.destroy();
    await done;
    expect(texts).toEqual(['partial']);
    log.close();
  });
});
