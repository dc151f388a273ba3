import type { Invocation } from '../../invocation.js';
import { renderGatewayLine, renderServerMetrics, renderToolMetrics } from '../../output/metrics.js';

/** `mcpctl metrics [SERVER]`: what `/metrics` exposes, as tables. */
export async function showMetrics(inv: Invocation, server: string | undefined): Promise<void> {
  const api = await inv.api();
  const snapshot = await api.metrics(server === undefined ? {} : { server });
  if (inv.out.machine) return inv.out.data(snapshot);
  const options = { headers: inv.out.headers, palette: inv.out.color };
  if (snapshot.servers.length === 0) inv.out.note('No servers. Add one with: mcpctl server add NAME -- COMMAND');
  else inv.out.out(renderServerMetrics(snapshot, options));
  const one = server === undefined ? undefined : snapshot.servers[0];
  if (one !== undefined && one.tools.length > 0) inv.out.out(`\n${renderToolMetrics(one, options)}`);
  if (server === undefined) inv.out.out(`\n${renderGatewayLine(snapshot)}`);
  if (!snapshot.enabled) inv.out.note('Calls are not counted: the metrics.enabled setting is false.');
  if (!snapshot.usageAvailable) inv.out.note('CPU and memory are read from /proc, which this system does not have.');
}
