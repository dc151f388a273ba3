import { openInBrowser } from '../../../core/dashboard/openBrowser.js';
import type { Invocation } from '../../invocation.js';

export interface DashboardFlags {
  open?: boolean;
}

/** The context the link is for, as the dashboard's overview names it: `local` for this machine's daemon. */
async function contextName(inv: Invocation): Promise<string> {
  const { LOCAL_CONTEXT, readContexts } = await import('../../../core/contexts/contextFile.js');
  if ((await inv.remote()) === undefined) return LOCAL_CONTEXT;
  return inv.globals.context ?? readContexts(inv.ctx.paths).current ?? LOCAL_CONTEXT;
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
  const origin = remote === undefined ? link.origin : new URL(remote.url).origin;
  const context = encodeURIComponent(await contextName(inv));
  const login = { ...issued, url: `${origin}${link.pathname}${link.hash}?context=${context}` };
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
