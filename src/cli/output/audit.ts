import type { AuditEntryView } from '../../core/audit/auditApi.js';
import { renderTable } from './table.js';

const EMPTY = '-';
const COLUMNS = ['TIME', 'PRINCIPAL', 'ROLE', 'ADDRESS', 'METHOD', 'SERVER', 'TOOL', 'OUTCOME', 'DURATION'];

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)}ms` : `${Math.round(ms)}ms`;
}

/** `mcpctl audit`, oldest first as the daemon gives them; wide adds the principal's kind and the session. */
export function renderAuditTable(
  rows: readonly AuditEntryView[],
  options: { wide: boolean; headers: boolean },
): string {
  const columns = options.wide ? [...COLUMNS, 'KIND', 'SESSION'] : COLUMNS;
  const cells = rows.map((row) => {
    const base = [
      row.time,
      row.principal,
      row.role,
      row.address,
      row.method,
      row.server ?? EMPTY,
      row.tool ?? EMPTY,
      row.error === null ? row.outcome : `${row.outcome}: ${row.error}`,
      formatMs(row.durationMs),
    ];
    return options.wide ? [...base, row.principalKind, row.session ?? EMPTY] : base;
  });
  return renderTable(columns, cells, { headers: options.headers });
}
