import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { McpctlError } from '../../shared/errors.js';
import { KEY_BYTES } from './cipher.js';

/**
 * The master key as a file (base64, 0600, in the config dir), for hosts with no keyring and no
 * MCPCTL_MASTER_KEY. Every write goes to a temporary file, fsynced, then linked or renamed into
 * place and the directory fsynced: a crash leaves the old file or the new one, never half of one.
 */
function syncDir(path: string): void {
  const fd = openSync(dirname(path), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeTemp(path: string, key: Buffer): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** The key in `path`, or undefined when there is no such file. */
export function readKeyFile(path: string): Buffer | undefined {
  let text: string;
  try {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new McpctlError(
        'PERMISSION_DENIED',
        `the master key file ${path} is readable by others (mode ${mode.toString(8)})`,
        { hint: `chmod 600 ${path}` },
      );
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof McpctlError) throw error;
    throw new McpctlError('PERMISSION_DENIED', `cannot read the master key file ${path}: ${(error as Error).message}`, {
      hint: `check that you own ${path}`,
      cause: error,
    });
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text.trim()) {
    throw new McpctlError('CONFIG_INVALID', `the master key file ${path} does not hold a base64 256-bit key`, {
      hint: 'restore it from a backup; the secrets cannot be read without the key they were set with',
    });
  }
  return key;
}

/** Creates `path` holding `key` unless it exists; returns the key the file holds (another process may have won). */
export function createKeyFile(path: string, key: Buffer): Buffer {
  const temp = writeTemp(path, key);
  try {
    linkSync(temp, path);
    syncDir(path);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readKeyFile(path) ?? key;
  } finally {
    unlinkSync(temp);
  }
}

/** Puts `key` in `path`, replacing what was there, atomically. */
export function replaceKeyFile(path: string, key: Buffer): void {
  const temp = writeTemp(path, key);
  renameSync(temp, path);
  syncDir(path);
}

/** Moves `from` over `to` atomically (the pending key becomes the key). */
export function moveKeyFile(from: string, to: string): void {
  renameSync(from, to);
  syncDir(to);
}

export function removeKeyFile(path: string): void {
  try {
    unlinkSync(path);
    syncDir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
