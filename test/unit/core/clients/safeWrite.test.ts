import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editFile } from '../../../../src/core/clients/safeWrite.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpctl-safewrite-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('editFile', () => {
  it('backs the old text up beside the file, keeps its mode, and leaves no temp file', () => {
    const file = join(dir, 'c.json');
    writeFileSync(file, 'old', { mode: 0o640 });
    const result = editFile(file, (text) => `${text}+new`, new Date('2026-12-01T11:54:21.123Z'));
    expect(readFileSync(file, 'utf8')).toBe('old+new');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(result.backup).toBe(`${file}.mcpctl-20261201T115421Z.bak`);
    expect(readFileSync(result.backup as string, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['c.json', 'c.json.mcpctl-20261201T115421Z.bak']);
  });

  it('a file the client changed meanwhile is edited again from its new text, never from the stale copy', () => {
    const file = join(dir, 'c.json');
    writeFileSync(file, 'v1');
    let calls = 0;
    editFile(file, (text) => {
      calls += 1;
      // The client rewrites the file while mcpctl computes its edit (first call only).
      if (calls === 1) writeFileSync(file, 'v2');
      return `${text}+mcpctl`;
    });
    expect(calls).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('v2+mcpctl');
  });

  it('an edit that throws (a malformed file) writes nothing and makes no backup', () => {
    const file = join(dir, 'c.json');
    writeFileSync(file, '{');
    expect(() =>
      editFile(file, () => {
        throw new Error('malformed');
      }),
    ).toThrow('malformed');
    expect(readdirSync(dir)).toEqual(['c.json']);
  });

  it('a missing file is created (mode 0600) with its folder, without a backup', () => {
    const file = join(dir, 'sub', 'c.json');
    expect(editFile(file, () => '{}\n').backup).toBeNull();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
