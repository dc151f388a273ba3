import type { ImportItem } from '../../core/clients/importPlan.js';
import type { ClientReport } from '../../core/clients/report.js';
import { renderTable } from './table.js';

/** `/home/ann/.cursor/mcp.json` as `~/.cursor/mcp.json`. */
export function tildePath(file: string, home: string | undefined): string {
  return home && file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file;
}

/** One row per client file: whether the client is there, the file, its entries and which are mcpctl's. */
export function renderClientTable(
  reports: ClientReport[],
  options: { headers: boolean; home: string | undefined },
): string {
  const rows = reports.flatMap((report) =>
    report.files.map((file) => {
      const status = file.error ? 'invalid' : file.exists ? 'found' : 'none';
      const ours = file.entries.filter((entry) => entry.mcpctl).map((entry) => entry.name);
      return [
        report.client,
        report.detected ? 'yes' : 'no',
        file.scope,
        tildePath(file.file, options.home),
        status,
        file.exists && !file.error ? String(file.entries.length) : '-',
        ours.length > 0 ? ours.join(',') : '-',
      ];
    }),
  );
  return renderTable(['CLIENT', 'DETECTED', 'SCOPE', 'FILE', 'STATUS', 'ENTRIES', 'MCPCTL'], rows, options);
}

const DONE: Record<ImportItem['action'], string> = {
  add: 'added',
  overwrite: 'overwritten',
  unchanged: 'unchanged',
  skip: 'skipped',
};
const PLANNED: Record<ImportItem['action'], string> = {
  add: 'would add',
  overwrite: 'would overwrite',
  unchanged: 'unchanged',
  skip: 'skipped',
};

/** What import did (or would do) with each entry. */
export function renderImportTable(
  items: Array<ImportItem & { error?: string }>,
  options: { headers: boolean; dryRun: boolean },
): string {
  const words = options.dryRun ? PLANNED : DONE;
  const rows = items.map((item) => {
    const result = item.error ? `failed: ${item.error}` : `${words[item.action]}${item.note ? `: ${item.note}` : ''}`;
    return [item.name, item.transport, `${item.client}:${item.scope}:${item.entry}`, result];
  });
  return renderTable(['NAME', 'TRANSPORT', 'FROM', 'RESULT'], rows, { headers: options.headers });
}
