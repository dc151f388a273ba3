import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  constants,
  copyFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { McpctlError } from '../../shared/errors.js';

/** What a write did: the file, its text before (null: it did not exist) and after, and the backup made. */
export interface WriteResult {
  file: string;
  before: string | null;
  after: string;
  backup: string | null;
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** `claude_desktop_config.json.mcpctl-20261201T115421Z.bak`: sorts by time, beside the file. */
function backupPath(file: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${file}.mcpctl-${stamp}.bak`;
}

function makeBackup(file: string, now: Date): string {
  for (let attempt = 0; ; attempt += 1) {
    const base = backupPath(file, now);
    const path = attempt === 0 ? base : base.replace(/\.bak$/, `-${attempt}.bak`);
    try {
      copyFileSync(file, path, constants.COPYFILE_EXCL);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 20) throw error;
    }
  }
}

const ATTEMPTS = 3;

/**
 * Applies `edit` to the file as it is on disk right now and writes the result atomically (a temp
 * file beside it, its mode kept, then rename), after a timestamped backup of the old text. The file
 * is read again just before the rename: if the client changed it meanwhile, the edit is made again
 * on the new text, so a stale copy never overwrites it. `edit` throws on a malformed file, before
 * any backup or write.
 */
export function editFile(file: string, edit: (text: string) => string, now = new Date()): WriteResult {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const before = readOrNull(file);
    const after = edit(before ?? '');
    if (after === before) return { file, before, after, backup: null };
    mkdirSync(dirname(file), { recursive: true });
    const mode = before === null ? 0o600 : statSync(file).mode & 0o7777;
    const temp = `${file}.mcpctl-${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, after, { mode, flag: 'wx' });
    try {
      chmodSync(temp, mode);
      if (readOrNull(file) !== before) continue;
      const backup = before === null ? null : makeBackup(file, now);
      renameSync(temp, file);
      return { file, before, after, backup };
    } finally {
      try {
        unlinkSync(temp);
      } catch {
        // renamed into place
      }
    }
  }
  throw new McpctlError('CONFIG_INVALID', `${file} kept changing while mcpctl edited it`, {
    hint: 'close the client that writes it, then run the command again',
  });
}
