import type { ServerView } from '../../../core/api.js';
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
  options: { wait?: boolean } = {},
): Promise<void> {
  const targets = parseTargets(verb, names, all);
  const api = await inv.api();
  const wait = options.wait !== false;
  const views = verb === 'start' ? await api.startServers({ ...targets, wait }) : await api[METHOD[verb]](targets);
  if (inv.out.machine) await inv.out.data(views);
  else if (views.length === 0) inv.out.note(`no servers to ${verb}`);
  else for (const view of views) inv.out.out(formatServerState(view, inv.out.color));
  // Like `systemctl start`: a server that did not come up is a failure of the command.
  if (verb !== 'stop' && wait) assertCameUp(views, (reasons) => `did not start: ${reasons}`);
}

/** States a first attempt ends in when the server did not come up. */
const DOWN: ReadonlySet<string> = new Set(['backoff', 'failed', 'stopped']);

/** Exit 5 with each server's error when any of `views` is not up after its start. */
export function assertCameUp(views: readonly ServerView[], message: (reasons: string) => string): void {
  // In a cluster another node may run it: up somewhere is up.
  const down = views.filter((view) => DOWN.has(view.state) && view.nodes.length === 0);
  const [first] = down;
  if (!first) return;
  const reasons = down.map((view) => `${view.name}: ${view.lastError ?? view.state}`).join('; ');
  const retried = down.some((view) => view.state === 'backoff') ? 'its restart policy tries again; ' : '';
  throw new McpctlError('SERVER_FAILED', message(reasons), {
    hint: `${retried}see why with 'mcpctl logs ${first.name}' and 'mcpctl server show ${first.name}'`,
  });
}
