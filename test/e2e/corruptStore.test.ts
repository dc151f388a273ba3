import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';

const NODE = process.execPath;

let homes: E2eHome[] = [];
afterEach(async () => {
  await Promise.all(homes.map((home) => home.dispose()));
  homes = [];
});

function overwrite(path: string, offset: number, length: number): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  closeSync(fd);
}

const DAMAGE: Array<[string, (path: string) => void]> = [
  ['garbage at offset 0', (path) => overwrite(path, 0, 64)],
  ['garbage at offset 100', (path) => overwrite(path, 100, 200)],
  ['garbage over the page at offset 4096', (path) => overwrite(path, 4096, 4096)],
  ['truncated to half', (path) => truncateSync(path, Math.floor(statSync(path).size / 2) + 7)],
];

describe('F7: a corrupt database', () => {
  it.each(DAMAGE)(
    'F7: %s: the daemon refuses to start (exit 1), moves the file aside untouched, and starts empty next time',
    async (_what, damage) => {
      const h = e2eHome();
      homes.push(h);
      for (const name of ['one', 'two', 'three']) {
        const add = await h.run([
          'server',
          'add',
          name,
          '--no-autostart',
          '--label',
          `x=${'y'.repeat(200)}`,
          '--',
          NODE,
        ]);
        expect(add.code, add.stderr).toBe(0);
      }
      expect((await h.run(['daemon', 'stop'])).code).toBe(0);
      const db = join(h.home, 'mcpctl.db');
      damage(db);
      const damaged = readFileSync(db);

      const start = await h.run(['daemon', 'start']);
      expect(start.code, start.stderr).toBe(1);
      expect(start.stderr).toContain(`the database ${db} is corrupt: moved it to ${db}.corrupt-`);
      expect(start.stderr).toMatch(/Hint: restore a backup with 'mcpctl backup restore FILE'/);
      expect(h.daemonPids()).toEqual([]);
      expect(existsSync(db)).toBe(false);
      const aside = readdirSync(h.home).filter((file) => /^mcpctl\.db\.corrupt-[\dTZ-]+$/.test(file));
      expect(aside).toHaveLength(1);
      const asidePath = join(h.home, aside[0] as string);
      // Never overwritten: the copy is the damaged file byte for byte.
      expect(readFileSync(asidePath).equals(damaged)).toBe(true);

      const again = await h.run(['daemon', 'start']);
      expect(again.code, again.stderr).toBe(0);
      expect(await h.json<ServerView[]>(['server', 'ls'])).toEqual([]);
      expect(readFileSync(asidePath).equals(damaged)).toBe(true);
    },
  );
});
