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

/** Prints the link (stdout, so scripts can take it) and opens it when there is a display. */
export async function openDashboard(inv: Invocation, flags: DashboardFlags): Promise<void> {
  const api = await inv.api();
  const created = await api.createDashboardLogin({});
  const login = { ...created, url: `${created.url}?context=${encodeURIComponent(await contextName(inv))}` };
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
