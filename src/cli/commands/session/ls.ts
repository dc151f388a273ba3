import type { Invocation } from '../../invocation.js';
import { renderSessionTable } from '../../output/sessions.js';

function emptyNote(flags: { server?: string; all?: true }): string {
  const of = flags.server === undefined ? '' : ` of server '${flags.server}'`;
  if (flags.all) return `No sessions${of} in the history.`;
  return `No open sessions${of} (--all shows closed ones). Clients connect with: mcpctl connect NAME`;
}

export async function listSessions(inv: Invocation, flags: { server?: string; all?: true }): Promise<void> {
  const api = await inv.api();
  const all = flags.all === true;
  const views = await api.listSessions({ ...(flags.server === undefined ? {} : { server: flags.server }), all });
  if (inv.out.machine) return inv.out.data(views);
  if (views.length === 0) return inv.out.note(emptyNote(flags));
  inv.out.out(
    renderSessionTable(views, {
      wide: inv.out.format === 'wide',
      headers: inv.out.headers,
      withState: all,
      palette: inv.out.color,
      now: Date.now(),
    }),
  );
}
