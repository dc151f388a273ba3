import type { MethodOutput } from '../../../core/api.js';
import { serverNameSchema } from '../../../core/servers/definition.js';
import { isEmptyPatch, serverPatchSchema } from '../../../core/servers/patch.js';
import { parseInput } from '../../../core/validation.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { colorState } from '../../output/states.js';
import { buildServerPatch, type SetFlags } from './spec.js';

type Updated = MethodOutput<'updateServer'>;

/** What took over in a rollover: a process, a pool of them (isolated), or a connection (http). */
function replacement(view: Updated): string {
  if (view.transport === 'http') return 'a new connection';
  if (view.sharing?.mode === 'isolated') return 'a new pool of processes (open sessions ended with the old one)';
  return view.pid === null ? 'a new process' : `a new process (pid ${view.pid})`;
}

/** Says what an edit did: nothing, a rollover to a new process, or a change applied in place. */
export async function reportUpdate(inv: Invocation, view: Updated): Promise<void> {
  if (inv.out.machine) {
    await inv.out.data(view);
    return;
  }
  const state = colorState(view.state, inv.out.color);
  if (!view.changed) inv.out.out(`server ${view.name} unchanged: its definition already says so (${state})`);
  else if (view.rolled) inv.out.out(`updated server ${view.name}: rolled over to ${replacement(view)} (${state})`);
  else if (view.state === 'running' || view.state === 'unhealthy') {
    inv.out.out(`updated server ${view.name}: applied in place, no restart (${state})`);
  } else {
    inv.out.out(`updated server ${view.name}: its next start uses the new definition (${state})`);
  }
}

/** `server set NAME [flags] [-- COMMAND ARGS...]`: the flags given change the definition, the others keep theirs. */
export async function setServer(inv: Invocation, name: string, command: string[], flags: SetFlags): Promise<void> {
  parseInput(serverNameSchema, name, 'server name');
  const patch = parseInput(serverPatchSchema, buildServerPatch(command, flags, inv.ctx.cwd), 'server set flags');
  if (isEmptyPatch(patch)) {
    throw new McpctlError('INVALID_ARGUMENT', `nothing to change: give server set at least one flag`, {
      hint: `e.g. mcpctl server set ${name} --env KEY=VALUE; see mcpctl server set --help`,
    });
  }
  const api = await inv.api();
  await reportUpdate(inv, await api.updateServer({ name, patch }));
}
