import type { Invocation } from '../../invocation.js';
import { renderTable } from '../../output/table.js';

export async function listNodes(inv: Invocation): Promise<void> {
  const api = await inv.api();
  const nodes = await api.listNodes({});
  if (inv.out.machine) return inv.out.data(nodes);
  const palette = inv.out.color;
  const rows = nodes.map((node) => [
    node.self ? `${node.name} (this)` : node.name,
    node.version,
    node.lastHeartbeatAt,
    node.live ? palette.green('yes') : palette.red('no'),
    String(node.load.serversRunning),
    String(node.load.sessionsOpen),
    node.url ?? '-',
  ]);
  inv.out.out(
    renderTable(['NAME', 'VERSION', 'LAST-HEARTBEAT', 'LIVE', 'SERVERS', 'SESSIONS', 'URL'], rows, {
      headers: inv.out.headers,
    }),
  );
}
