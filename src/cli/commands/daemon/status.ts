import type { Invocation } from '../../invocation.js';
import { renderDaemonStatus } from '../../output/daemonStatus.js';

/** Never starts the daemon: asking whether it runs must not change the answer. Not running → exit 6. */
export async function showDaemonStatus(inv: Invocation): Promise<void> {
  const api = await inv.api({ autostart: false });
  const status = await api.daemonStatus({});
  if (inv.out.machine) return inv.out.data(status);
  inv.out.out(renderDaemonStatus(status, inv.out.color));
}
