import { listRegistries, registriesFile } from '../../../core/registry/registries.js';
import type { Invocation } from '../../invocation.js';
import { renderTable } from '../../output/table.js';

export async function listRegistriesCommand(inv: Invocation): Promise<void> {
  const registries = listRegistries(inv.ctx.paths);
  if (inv.out.machine) return inv.out.data(registries);
  if (registries.length === 0) {
    return inv.out.note(
      `No registries (${registriesFile(inv.ctx.paths)}). Add one with: mcpctl registry add NAME --url URL`,
    );
  }
  inv.out.out(
    renderTable(
      ['NAME', 'URL'],
      registries.map((registry) => [registry.name, registry.url]),
      { headers: inv.out.headers },
    ),
  );
}
