import { addRegistry, registrySchema } from '../../../core/registry/registries.js';
import { parseInput } from '../../../core/validation.js';
import type { Invocation } from '../../invocation.js';

export async function addRegistryCommand(inv: Invocation, name: string, url: string): Promise<void> {
  const registry = parseInput(registrySchema, { name, url }, 'registry');
  const added = addRegistry(inv.ctx.paths, registry);
  if (inv.out.machine) return inv.out.data({ ...registry, alreadyExisted: !added });
  inv.out.out(
    added
      ? `added registry ${registry.name} (${registry.url})`
      : `registry ${registry.name} already exists with this URL`,
  );
}
