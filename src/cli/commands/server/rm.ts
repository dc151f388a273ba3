import type { Invocation } from '../../invocation.js';
import { eachTarget } from './each.js';

export async function removeServers(inv: Invocation, names: string[], flags: { force: boolean }): Promise<void> {
  const api = await inv.api();
  const removed = await eachTarget(inv, names, async (name) => {
    const result = await api.removeServer({ name, force: flags.force });
    if (!inv.out.machine) {
      const left = result.profiles.length === 0 ? '' : ` (and from profiles ${result.profiles.join(', ')})`;
      inv.out.out(`removed server ${result.name}${left}`);
    }
    return result;
  });
  if (inv.out.machine) await inv.out.data(removed);
}
