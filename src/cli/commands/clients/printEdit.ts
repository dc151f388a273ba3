import type { EditOutcome } from '../../../core/clients/applyEdit.js';
import type { Invocation } from '../../invocation.js';

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
