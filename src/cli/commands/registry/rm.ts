import { removeRegistry } from '../../../core/registry/registries.js';
import type { Invocation } from '../../invocation.js';

export async function removeRegistryCommand(inv: Invocation, name: string): Promise<void> {
  const removed = removeRegistry(inv.ctx.paths, name);
  if (inv.out.machine) return inv.out.data(removed);
  inv.out.out(`removed registry ${removed.name} (${removed.url})`);
}
