import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { McpctlError } from '../../shared/errors.js';
import type { ClientLocation } from './catalog.js';
import { editFile } from './safeWrite.js';

export interface EditOutcome {
  file: string;
  changed: boolean;
  backup: string | null;
  /** A dry run: the unified diff that would be applied. */
  diff?: string;
}

/** What an edit would do to the file as it is now, without writing it. */
export interface EditPreview {
  file: string;
  changed: boolean;
  /** Unified diff, 3 lines of context: exactly the bytes the write would change. */
  diff: string;
  /** SHA-256 of the text the diff starts from (an absent file counts as empty). */
  sha256: string;
}

function current(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

export function textDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function previewEdit(location: ClientLocation, edit: (text: string) => string): EditPreview {
  const before = current(location.file);
  const after = edit(before);
  const diff = createTwoFilesPatch(location.file, location.file, before, after, undefined, undefined, { context: 3 });
  return { file: location.file, changed: after !== before, diff, sha256: textDigest(before) };
}

/**
 * `edit` that refuses a text other than the one a preview showed (`expected`: its SHA-256), so
 * what is written is exactly the diff someone looked at; safeWrite calls it on the file as it
 * is just before the write, and a refusal there writes nothing.
 */
export function onlyFrom(expected: string, edit: (text: string) => string): (text: string) => string {
  return (text) => {
    if (textDigest(text) === expected) return edit(text);
    throw new McpctlError('CONFIG_INVALID', 'the file changed since its preview: nothing was written', {
      hint: 'preview the change again, then apply it',
    });
  };
}

/** Writes `edit` of the client's file (backup, atomic), or with dryRun only computes its unified diff. */
export function applyEdit(location: ClientLocation, edit: (text: string) => string, dryRun: boolean): EditOutcome {
  if (dryRun) {
    const { file, changed, diff } = previewEdit(location, edit);
    return { file, changed, backup: null, diff };
  }
  const result = editFile(location.file, edit);
  return { file: location.file, changed: result.after !== result.before, backup: result.backup };
}
