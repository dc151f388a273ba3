import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { formatServerState } from '../../output/servers.js';

export type LifecycleVerb = 'start' | 'stop' | 'restart';

const METHOD = { start: 'startServers', stop: 'stopServers', restart: 'restartServers' } as const;

/** Either names or `--all`, checked here so a bad call never reaches (or starts) the daemon. */
export function parseTargets(verb: LifecycleVerb, names: string[], all: boolean): { names: string[]; all: boolean } {
  if (all && names.length > 0) {
    throw new McpctlError(
      'INVALID_ARGUMENT',
      `name servers or pass --all, not both (got --all and ${names.join(', ')})`,
      {
        hint: `mcpctl server ${verb} NAME... or mcpctl server ${verb} --all`,
      },
    );
  }
  if (!all && names.length === 0) {
    throw new McpctlError('INVALID_ARGUMENT', `name one or more servers to ${verb}, or pass --all`, {
      hint: `mcpctl server ${verb} NAME... or mcpctl server ${verb} --all; 'mcpctl ls' lists the names`,
    });
  }
  return { names, all };
}

/** start, stop and restart: one call for all targets, then one line per affected server. */
export async function changeServers(
  inv: Invocation,
  verb: LifecycleVerb,
  names: string[],
  all: boolean,
): Promise<void> {
  const targets = parseTargets(verb, names, all);
  const api = await inv.api();
  const views = await api[METHOD[verb]](targets);
  if (inv.out.machine) await inv.out.data(views);
  else if (views.length === 0) inv.out.note(`no servers to ${verb}`);
  else for (const view of views) inv.out.out(formatServerState(view, inv.out.color));
  // Like `systemctl start`: a server that did not come up is a failure of the command.
  const down = verb === 'stop' ? [] : views.filter((view) => view.state === 'backoff' || view.state === 'failed');
  if (down.length > 0) {
    const reasons = down.map((view) => `${view.name}: ${view.lastError ?? view.state}`).join('; ');
    throw new McpctlError('SERVER_FAILED', `did not start: ${reasons}`, {
      hint: `see why with 'mcpctl logs ${down[0]?.name}' and 'mcpctl server show ${down[0]?.name}'`,
    });
  }
}
