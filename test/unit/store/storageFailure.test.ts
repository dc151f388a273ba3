import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { storageFailure } from '../../../src/store/storageFailure.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed`), { code });

describe('storageFailure', () => {
  it.each([
    ['SQLITE_FULL', new Database.SqliteError('database or disk is full', 'SQLITE_FULL'), 'disk full'],
    ['ENOSPC', errno('ENOSPC'), 'disk full'],
    [
      'SQLITE_READONLY_DBMOVED',
      new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY_DBMOVED'),
      'read-only file system',
    ],
    ['EROFS', errno('EROFS'), 'read-only file system'],
    ['SQLITE_IOERR_WRITE', new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE'), 'I/O error'],
    ['EIO', errno('EIO'), 'I/O error'],
  ])('names %s in words, with the file and a hint, exit 1', (_, error, what) => {
    const failure = storageFailure(error, '/home/u/.local/state/mcpctl/mcpctl.db');
    expect(failure?.code).toBe('STORE_WRITE_FAILED');
    expect(failure?.exitCode).toBe(1);
    expect(failure?.message).toMatch(
      new RegExp(`^${what}: could not write to the database /home/u/.local/state/mcpctl/mcpctl.db \\(`),
    );
    expect(failure?.hint).toContain('/home/u/.local/state/mcpctl');
    expect(failure?.cause).toBe(error);
  });

  it('leaves other errors alone', () => {
    expect(
      storageFailure(new Database.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE'), '/x.db'),
    ).toBeUndefined();
    expect(storageFailure(errno('EACCES'), '/x.db')).toBeUndefined();
    expect(storageFailure(new Error('boom'), '/x.db')).toBeUndefined();
  });
});
