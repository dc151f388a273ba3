import { openInBrowser } from '../../../core/dashboard/openBrowser.js';
import type { Invocation } from '../../invocation.js';

export interface DashboardFlags {
  open?: boolean;
}

/**
 * Prints the link (stdout, so scripts can take it) and opens it when there is a display. With a
 * remote context the link names the address this CLI reaches the daemon by (its listener may be
 * bound to 0.0.0.0, or be behind a name the daemon does not know).
 */
export async function openDashboard(inv: Invocation, flags: DashboardFlags): Promise<void> {
  const api = await inv.api();
  const issued = await api.createDashboardLogin({});
  const remote = await inv.remote();
  const link = new URL(issued.url);
  const url = remote === undefined ? issued.url : `${new URL(remote.url).origin}${link.pathname}${link.hash}`;
  const login = { ...issued, url };
  if (inv.out.machine) {
    await inv.out.data(login);
    return;
  }
  inv.out.out(login.url);
  const opened = flags.open !== false && openInBrowser(login.url, inv.ctx.env);
  const where = remote === undefined ? 'on this machine' : "that trusts the daemon's certificate";
  inv.out.note(
    opened
      ? 'opened in your browser; the link works once, within a minute'
      : `open this link in a browser ${where}; it works once, within a minute`,
  );
}
