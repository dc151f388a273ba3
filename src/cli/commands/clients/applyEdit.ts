import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import type { ClientLocation } from '../../../core/clients/catalog.js';
import { editFile } from '../../../core/clients/safeWrite.js';
import type { Invocation } from '../../invocation.js';

export interface EditOutcome {
  file: string;
  changed: boolean;
  backup: string | null;
  /** --dry-run: the unified diff that would be applied. */
  diff?: string;
}

function current(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Writes `edit` of the client's file (backup, atomic), or with --dry-run only computes its unified diff. */
export function applyEdit(location: ClientLocation, edit: (text: string) => string, dryRun: boolean): EditOutcome {
  if (dryRun) {
    const before = current(location.file);
    const after = edit(before);
    const diff = createTwoFilesPatch(location.file, location.file, before, after, undefined, undefined, { context: 3 });
    return { file: location.file, changed: after !== before, backup: null, diff };
  }
  const result = editFile(location.file, edit);
  return { file: location.file, changed: result.after !== result.before, backup: result.backup };
}

/** The human form of an edit: the diff (dry run), or what was written and where the backup is. */
export function printEdit(inv: Invocation, outcome: EditOutcome, what: string): void {
  if (outcome.diff !== undefined) {
    if (outcome.changed) inv.out.out(outcome.diff);
    else inv.out.note(`${outcome.file}: no change`);
    return;
  }
  if (!outcome.changed) inv.out.note(`${outcome.file}: no change`);
  else inv.out.out(`${what} ${outcome.file}${outcome.backup ? ` (backup: ${outcome.backup})` : ''}`);
}
