import { listAllTools } from '../../../core/inspect/session.js';
import type { Invocation } from '../../invocation.js';
import { renderToolsTable } from '../../output/inspect.js';
import { splitTarget, type TargetFlags, withSession } from './target.js';

/** -o json|yaml: the tools as the server listed them, input (and output) schemas included. */
export async function listTools(inv: Invocation, server: string | undefined, flags: TargetFlags): Promise<void> {
  const { target } = splitTarget('tools', server === undefined ? [] : [server], flags, []);
  const tools = await withSession(inv, target, 'tools/list', ({ client }) => listAllTools(client));
  if (inv.out.machine) await inv.out.data(tools);
  else if (tools.length === 0) inv.out.note(`${target.name} has no tools`);
  else inv.out.out(renderToolsTable(tools, { headers: inv.out.headers, wide: inv.out.format === 'wide' }));
}
