import type { Invocation } from '../../invocation.js';
import { renderSessionDetail } from '../../output/sessions.js';

export async function showSession(inv: Invocation, id: string): Promise<void> {
  const api = await inv.api();
  const view = await api.getSession({ id });
  if (inv.out.machine) return inv.out.data(view);
  inv.out.out(renderSessionDetail(view, inv.out.color, Date.now()));
}
