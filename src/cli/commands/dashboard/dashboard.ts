import { openInBrowser } from '../../../core/dashboard/openBrowser.js';
import type { Invocation } from '../../invocation.js';

export interface DashboardFlags {
  open?: boolean;
}

/** Prints the link (stdout, so scripts can take it) and opens it when there is a display. */
export async function openDashboard(inv: Invocation, flags: DashboardFlags): Promise<void> {
  const api = await inv.api();
  const login = await api.createDashboardLogin({});
  if (inv.out.machine) {
    await inv.out.data(login);
    return;
  }
  inv.out.out(login.url);
  const opened = flags.open !== false && openInBrowser(login.url, inv.ctx.env);
  inv.out.note(
    opened
      ? 'opened in your browser; the link works once, within a minute'
      : 'open this link in a browser on this machine; it works once, within a minute',
  );
}
