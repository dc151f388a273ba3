import type { Invocation } from '../../invocation.js';
import { eachTarget } from './each.js';

export async function removeServers(inv: Invocation, names: string[]): Promise<void> {
  const api = await inv.api();
  const removed = await eachTarget(inv, names, async (name) => {
    const result = await api.removeServer({ name });
    if (!inv.out.machine) inv.out.out(`removed server ${result.name}`);
    return result;
  });
  if (inv.out.machine) await inv.out.data(removed);
}
