import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingFile } from '../../../../src/daemon/monitor/rotatingFile.js';
import { mountSmallDisk, type SmallDisk } from '../../../helpers/tmpfs.js';

let disk: SmallDisk | undefined;
afterEach(() => {
  disk?.unmount();
  disk = undefined;
});

describe('RotatingFile on a full disk', () => {
  it('F6: never throws, and the first line after space returns starts a line of its own', (ctx) => {
    const mounted = mountSmallDisk('1m');
    if ('skip' in mounted) return ctx.skip(mounted.skip);
    disk = mounted;
    const path = join(disk.dir, 'daemon.log');
    const errors: unknown[] = [];
    const file = new RotatingFile({ path, maxBytes: 1 << 20, keep: 1, onError: (error) => errors.push(error) });
    file.write('first\n');
    disk.fill();
    // Fits in part: the rest of the file's last page is all the disk has left.
    file.write(`${'x'.repeat(10_000)}\n`);
    file.write('lost\n');
    expect(errors.length).toBeGreaterThan(0);
    disk.free();
    file.write('after\n');
    file.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe('first');
    expect(lines.at(-2)).toBe('after');
    expect(lines.at(-1)).toBe('');
  });
});
