import type { Invocation } from '../../invocation.js';
import { renderServerTable } from '../../output/servers.js';

export const EMPTY_HINT = 'No servers. Add one with: mcpctl server add NAME -- COMMAND [ARGS...]';

export async function listServers(inv: Invocation): Promise<void> {
  const api = await inv.api();
  const views = await api.listServers({});
  if (inv.out.machine) return inv.out.data(views);
  if (views.length === 0) return inv.out.note(EMPTY_HINT);
  inv.out.out(
    renderServerTable(views, { wide: inv.out.format === 'wide', headers: inv.out.headers, palette: inv.out.color }),
  );
}
