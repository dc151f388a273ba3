import type { AlertView } from '../../core/api.js';
import type { Palette } from './colors.js';
import { formatAge } from './sessions.js';
import { renderTable } from './table.js';

/** `alert ls`: one rule a row, firing ones in red with the servers they fire for. */
export function renderAlertTable(
  views: readonly AlertView[],
  options: { headers: boolean; palette: Palette; now: number },
): string {
  const { palette, now } = options;
  const rows = views.map((view) => [
    view.name,
    view.state === 'firing' ? palette.red(`firing (${view.servers.join(', ')})`) : palette.green('ok'),
    view.since === null ? '-' : formatAge(view.since, now),
    view.when,
    view.server ?? '*',
    view.notify.join(' '),
    view.source,
  ]);
  return renderTable(['NAME', 'STATE', 'SINCE', 'WHEN', 'SERVER', 'NOTIFY', 'SOURCE'], rows, {
    headers: options.headers,
  });
}
