import type { Invocation } from '../../invocation.js';

/** Only the URL on stdout, so that `$(mcpctl server url NAME)` works; -o json adds the SSE one. */
export async function printServerUrl(inv: Invocation, name: string): Promise<void> {
  const api = await inv.api();
  const result = await api.serverUrl({ name });
  if (inv.out.machine) await inv.out.data(result);
  else inv.out.out(result.url);
}
