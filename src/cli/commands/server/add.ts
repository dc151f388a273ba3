import { type ServerSpecInput, serverSpecSchema } from '../../../core/servers/definition.js';
import { parseInput } from '../../../core/validation.js';
import type { Invocation } from '../../invocation.js';
import { colorState } from '../../output/states.js';
import { type AddFlags, buildServerSpec } from './spec.js';
import { assertCameUp } from './targets.js';

/** Checks the whole definition locally (the one command that loads zod), so bad input never starts the daemon. */
export function validateServerSpec(spec: ServerSpecInput): void {
  parseInput(serverSpecSchema, spec, 'server definition');
}

/**
 * Defines the server and, unless --no-autostart, starts it and waits for its first attempt:
 * one that does not come up fails the command (exit 5) with its error, the definition kept.
 */
export async function addServer(
  inv: Invocation,
  name: string,
  command: string[],
  flags: AddFlags & { wait: boolean },
): Promise<void> {
  await submitServerSpec(inv, buildServerSpec(name, command, flags, inv.ctx.cwd), flags.wait);
}

/** Validates `spec`, stores it through the daemon and reports, as every form of `server add` does. */
export async function submitServerSpec(inv: Invocation, spec: ServerSpecInput, wait: boolean): Promise<void> {
  validateServerSpec(spec);
  const api = await inv.api();
  const view = await api.addServer({ spec, wait });
  if (inv.out.machine) await inv.out.data(view);
  else {
    // A retried add whose first answer was lost (the daemon died after committing it) exits 0 too.
    const said = view.alreadyExisted
      ? `server ${view.name} already exists with this definition`
      : `added server ${view.name}`;
    inv.out.out(`${said} (${colorState(view.state, inv.out.color)})`);
  }
  if (spec.autostart !== false && wait && !view.alreadyExisted) {
    assertCameUp([view], () => `server '${view.name}' was added, but did not start: ${view.lastError ?? view.state}`);
  }
}
