import type { Invocation } from '../../invocation.js';

export async function pingServer(inv: Invocation, name: string): Promise<void> {
  const api = await inv.api();
  const result = await api.pingServer({ name });
  if (inv.out.machine) await inv.out.data(result);
  else inv.out.out(`${result.name}: pong in ${result.latencyMs} ms`);
}
