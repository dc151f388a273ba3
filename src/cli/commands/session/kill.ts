import type { Invocation } from '../../invocation.js';
import { eachTarget } from '../server/each.js';

/** Like `server rm`: one line per session ended; a failure does not stop the others. */
export async function killSessions(inv: Invocation, ids: string[]): Promise<void> {
  const api = await inv.api();
  const killed = await eachTarget(inv, ids, async (id) => {
    const result = await api.killSession({ id });
    if (!inv.out.machine) inv.out.out(`killed session ${result.id}`);
    return result;
  });
  if (inv.out.machine) await inv.out.data(killed);
}
