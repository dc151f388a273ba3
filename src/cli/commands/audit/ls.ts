import { parseIntegerFlag, parseSinceFlag } from '../../flags.js';
import type { Invocation } from '../../invocation.js';
import { renderAuditTable } from '../../output/audit.js';

export interface AuditFlags {
  since?: string;
  principal?: string;
  server?: string;
  limit?: string;
}

export async function listAudit(inv: Invocation, flags: AuditFlags): Promise<void> {
  const since = flags.since === undefined ? undefined : parseSinceFlag(flags.since, Date.now());
  const limit = flags.limit === undefined ? undefined : parseIntegerFlag('--limit', flags.limit, 1, 100_000);
  const api = await inv.api();
  const rows = await api.listAudit({
    ...(since === undefined ? {} : { since }),
    ...(flags.principal === undefined ? {} : { principal: flags.principal }),
    ...(flags.server === undefined ? {} : { server: flags.server }),
    ...(limit === undefined ? {} : { limit }),
  });
  if (inv.out.machine) return inv.out.data(rows);
  if (rows.length === 0) return inv.out.note('No audited calls match.');
  inv.out.out(renderAuditTable(rows, { wide: inv.out.format === 'wide', headers: inv.out.headers }));
}
