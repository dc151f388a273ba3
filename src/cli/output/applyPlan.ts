import type { ApplyResult, ApplyStep } from '../../core/api.js';
import type { Palette } from './colors.js';

/** More changed fields than this are counted, not listed. */
const FIELDS_LISTED = 4;

/**
 * An `apply` plan as a diff, one line per definition that changes (`+` create, `~` update, `-`
 * delete; unchanged ones only counted), then a summary. A failed run marks the step that failed
 * and those it left undone.
 */
export function renderApplyResult(result: ApplyResult, palette: Palette): string {
  const lines = result.steps
    .filter((step) => step.action !== 'unchanged')
    .map((step) => stepLine(step, result.dryRun, palette));
  lines.push(summary(result, palette));
  return `${lines.join('\n')}\n`;
}

function stepLine(step: ApplyStep, dryRun: boolean, palette: Palette): string {
  const subject = `${step.kind} ${step.name}`;
  let line: string;
  switch (step.action) {
    case 'create':
      line = palette.green(`+ ${subject}`);
      break;
    case 'delete':
      line = palette.red(`- ${subject}`);
      break;
    default: {
      const roll =
        step.action === 'rollover' ? (dryRun || step.status !== 'applied' ? ' (roll over)' : ' (rolled over)') : '';
      line = palette.yellow(`~ ${subject}: ${fieldList(step.changes)} changed${roll}`);
    }
  }
  if (step.status === 'failed') return `${line} ${palette.bold(palette.red('← failed'))}`;
  if (step.status === 'not-applied') return `${line} ${palette.dim('(not applied)')}`;
  return line;
}

function fieldList(changes: string[]): string {
  if (changes.length <= FIELDS_LISTED) return changes.join(', ');
  return `${changes.slice(0, FIELDS_LISTED).join(', ')} and ${changes.length - FIELDS_LISTED} more`;
}

const PLANNED = { create: 'to create', update: 'to update', delete: 'to delete' };
const DONE = { create: 'created', update: 'updated', delete: 'deleted' };

function summary(result: ApplyResult, palette: Palette): string {
  const unchanged = result.steps.filter((step) => step.action === 'unchanged').length;
  if (!result.changed) return `no changes (${unchanged} unchanged)`;
  const tally = (words: typeof DONE): string => {
    const count = (...actions: Array<ApplyStep['action']>) =>
      result.steps.filter((step) => actions.includes(step.action)).length;
    const parts: Array<[number, string]> = [
      [count('create'), words.create],
      [count('update', 'rollover'), words.update],
      [count('delete'), words.delete],
      [unchanged, 'unchanged'],
    ];
    return parts
      .filter(([n]) => n > 0)
      .map(([n, what]) => `${n} ${what}`)
      .join(', ');
  };
  if (result.dryRun) return palette.bold(`dry run: ${tally(PLANNED)}; nothing was changed`);
  if (result.error === null) return palette.bold(`applied: ${tally(DONE)}`);
  const changes = result.steps.filter((step) => step.action !== 'unchanged');
  const applied = changes.filter((step) => step.status === 'applied').length;
  return palette.bold(`stopped: ${applied} of ${changes.length} changes applied, the others not`);
}
