import { McpctlError } from '../../shared/errors.js';
import type { Policy } from './definition.js';
import type { Instance } from './instance.js';
import type { Runner } from './runner.js';

export interface RolloverOptions {
  /** Names the server in errors. */
  name: string;
  /** The instance whose runner is replaced. */
  instance: Pick<Instance, 'takeOver'>;
  /** Starts a runner of the new configuration (not yet initialized). */
  createRunner(): Promise<Runner>;
  /** The new policy: its start timeout bounds the new runner's initialize, its stop grace the old one's end. */
  policy: Policy;
}

/** `pid`: the new process (null for http servers and isolated pools). */
export type RolloverOutcome = { rolled: true; pid: number | null } | { rolled: false };

/**
 * Replaces a running instance's process by one of a new configuration with no gap: the new one is
 * started and must answer `initialize` first; only then does it take over (new requests go to it),
 * while the old one answers what it has in flight, for up to the stop grace, before it is stopped
 * (SIGTERM, grace, then the group is killed). A new one that does not come up is stopped and the
 * old one keeps serving: the rollover rejects with SERVER_FAILED and changes nothing. Resolves
 * `rolled: false` when the instance stopped running meanwhile (nothing to replace: its next start
 * uses the new configuration anyway).
 *
 * One job, for every caller that must change what a live instance runs: `server set` and `apply`
 * (the definition changed) and, later, per-profile env instances.
 */
export async function rollOver(options: RolloverOptions): Promise<RolloverOutcome> {
  const { name, policy } = options;
  const next = await startNext(options);
  const taken = options.instance.takeOver(next);
  if (taken === undefined) {
    await next.stop(policy.stopGraceMs);
    return { rolled: false };
  }
  const { previous, handover } = taken;
  // An old process that dies meanwhile owes nothing more: no point waiting out the grace.
  const gone = previous.ended.then(() => undefined);
  await settledWithin(Promise.race([handover.drained, gone]), policy.stopGraceMs);
  await previous.stop(policy.stopGraceMs);
  handover.abandon(`${name}'s old process was stopped after its grace of ${policy.stopGraceMs} ms`);
  return { rolled: true, pid: next.pid };
}

async function startNext({ name, createRunner, policy }: RolloverOptions): Promise<Runner> {
  let next: Runner;
  try {
    next = await createRunner();
  } catch (error) {
    throw notUp(name, error);
  }
  try {
    await next.ready(policy.startTimeoutMs);
  } catch (error) {
    await next.stop(policy.stopGraceMs);
    throw notUp(name, error);
  }
  return next;
}

function notUp(name: string, error: unknown): McpctlError {
  return new McpctlError(
    'SERVER_FAILED',
    `the new definition of '${name}' did not come up (${(error as Error).message}); the running process was kept, with the old definition`,
    { hint: `see 'mcpctl logs ${name}', fix the definition and run the command again`, cause: error },
  );
}

async function settledWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([work, bound]);
  clearTimeout(timer);
}
