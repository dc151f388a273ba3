import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RotatingFile } from '../../../../src/daemon/monitor/rotatingFile.js';
import { useShortTempDir } from '../ipc/helpers.js';

const tempDir = useShortTempDir();

describe('RotatingFile', () => {
  it('keeps exactly `keep` rotated files, none over maxBytes', () => {
    const dir = join(tempDir(), 'logs');
    const path = join(dir, 'server.log');
    const file = new RotatingFile({ path, maxBytes: 1000, keep: 3 });
    const line = `${'x'.repeat(99)}\n`; // 100 bytes
    for (let i = 0; i < 100; i++) file.write(line); // 10,000 bytes: far more than 1000 × (3 + 1)
    file.close();
    expect(readdirSync(dir).sort()).toEqual(['server.log', 'server.log.1', 'server.log.2', 'server.log.3']);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(1000);
    expect(statSync(`${path}.1`).size).toBe(1000);
  });

  it('rotates in order: path.1 holds what came just before path', () => {
    const path = join(tempDir(), 'a.log');
    const file = new RotatingFile({ path, maxBytes: 10, keep: 2 });
    for (const text of ['one\n', 'two\n', 'three\n', 'four\n', 'five\n']) file.write(text);
    file.close();
    // 'four\n' + 'five\n' is exactly 10 bytes: it fits; 'three\n' + 'four\n' would not.
    expect(readFileSync(path, 'utf8')).toBe('four\nfive\n');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('three\n');
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('one\ntwo\n');
  });

  it('appends to an existing file, counting its size, and narrows its mode to 0600', () => {
    const dir = tempDir();
    const path = join(dir, 'b.log');
    writeFileSync(path, '12345678\n', { mode: 0o644 });
    const file = new RotatingFile({ path, maxBytes: 12, keep: 1 });
    file.write('abcd\n');
    file.close();
    expect(statSync(`${path}.1`).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('12345678\n');
    expect(readFileSync(path, 'utf8')).toBe('abcd\n');
  });

  it('creates its directory 0700 and its file 0600', () => {
    const dir = join(tempDir(), 'deep', 'logs');
    const file = new RotatingFile({ path: join(dir, 'c.log'), maxBytes: 100, keep: 1 });
    file.write('x\n');
    file.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'c.log')).mode & 0o777).toBe(0o600);
  });

  it('with keep 0 starts over instead of keeping old files', () => {
    const dir = tempDir();
    const file = new RotatingFile({ path: join(dir, 'd.log'), maxBytes: 5, keep: 0 });
    file.write('1234\n');
    file.write('5678\n');
    file.close();
    expect(readdirSync(dir)).toEqual(['d.log']);
    expect(readFileSync(join(dir, 'd.log'), 'utf8')).toBe('5678\n');
  });

  it('drops writes after close and reports failures instead of throwing', () => {
    const dir = tempDir();
    const errors: unknown[] = [];
    const path = join(dir, 'e.log');
    const file = new RotatingFile({ path, maxBytes: 100, keep: 1, onError: (error) => errors.push(error) });
    file.write('early\n');
    file.close();
    file.write('late\n');
    expect(readFileSync(path, 'utf8')).toBe('early\n');
    expect(errors).toEqual([]);
  });

  it('creates no file until the first write', () => {
    const dir = tempDir();
    const path = join(dir, 'f.log');
    const file = new RotatingFile({ path, maxBytes: 100, keep: 1 });
    expect(existsSync(path)).toBe(false);
    file.close();
    expect(existsSync(path)).toBe(false);
  });
});
