import { McpctlError } from '../../shared/errors.js';
import type { ProfileSpec } from '../profiles/definition.js';
import type { ServerSpec } from '../servers/definition.js';
import { checkReferences, type DeclarativeDocument, formatPath } from './declarative.js';
import { type DefinedState, type PlanStep, planApply, planChanges } from './declarativePlan.js';

/**
 * What `apply` changes, as a port: the daemon implements it over the supervisor and the profiles
 * registry (declarativeTarget.ts); each call is one atomic change of one definition.
 */
export interface ApplyTarget {
  current(): Promise<DefinedState>;
  /** Checks what a validated document cannot say (a command the daemon cannot launch), before any change. */
  preflight(steps: PlanStep[], document: DeclarativeDocument): Promise<void>;
  addServer(spec: ServerSpec): Promise<void>;
  /** Edits it in place, or rolls its instance over when a field it was started with changed (`rolled`). */
  updateServer(spec: ServerSpec): Promise<{ rolled: boolean }>;
  removeServer(name: string): Promise<void>;
  putProfile(spec: ProfileSpec): Promise<void>;
  removeProfile(name: string): Promise<void>;
}

export type StepStatus = 'planned' | 'applied' | 'failed' | 'not-applied';

export interface AppliedStep extends PlanStep {
  status: StepStatus;
}

export interface ApplyOutcome {
  dryRun: boolean;
  changed: boolean;
  steps: AppliedStep[];
  /** The failed step's error; the steps before it stay applied (each is atomic, the run is not). */
  error: McpctlError | null;
}

/**
 * One validation of the whole document against what is defined (cross-references, launchability),
 * then the plan's steps in order. Nothing changes unless the document is valid; a step that fails
 * stops the run, and the outcome says which steps were applied and which were not.
 */
export async function applyDocument(
  target: ApplyTarget,
  document: DeclarativeDocument,
  options: { prune: boolean; dryRun: boolean },
): Promise<ApplyOutcome> {
  const current = await target.current();
  const problems = checkReferences(
    document,
    current.servers.map((spec) => spec.name),
    options,
  );
  if (problems.length > 0) {
    throw new McpctlError(
      'CONFIG_INVALID',
      problems.map((problem) => `${formatPath(problem.path)}: ${problem.message}`).join('\n'),
      { hint: 'fix the document at the places named above: nothing was changed' },
    );
  }
  const steps = planApply(current, document, options);
  const changed = planChanges(steps);
  if (options.dryRun || !changed) {
    return { dryRun: options.dryRun, changed, steps: steps.map((s) => ({ ...s, status: 'planned' })), error: null };
  }
  await target.preflight(steps, document);
  const servers = new Map(document.servers.map((spec) => [spec.name, spec]));
  const profiles = new Map(document.profiles.map((spec) => [spec.name, spec]));
  const done: AppliedStep[] = [];
  let error: McpctlError | null = null;
  for (const entry of steps) {
    if (error) {
      done.push({ ...entry, status: 'not-applied' });
      continue;
    }
    try {
      const action = await runStep(target, entry, servers, profiles);
      done.push({ ...entry, action, status: 'applied' });
    } catch (failure) {
      error = asMcpctlError(failure);
      done.push({ ...entry, status: 'failed' });
    }
  }
  return { dryRun: false, changed, steps: done, error };
}

/** Runs one step; answers what it did (the supervisor decides whether an update rolled the instance over). */
async function runStep(
  target: ApplyTarget,
  entry: PlanStep,
  servers: Map<string, ServerSpec>,
  profiles: Map<string, ProfileSpec>,
): Promise<PlanStep['action']> {
  const server = servers.get(entry.name);
  const profile = profiles.get(entry.name);
  switch (entry.action) {
    case 'unchanged':
      break;
    case 'delete':
      await (entry.kind === 'server' ? target.removeServer(entry.name) : target.removeProfile(entry.name));
      break;
    case 'create':
      if (entry.kind === 'server' && server) await target.addServer(server);
      else if (profile) await target.putProfile(profile);
      break;
    case 'update':
    case 'rollover':
      if (entry.kind === 'server' && server) return (await target.updateServer(server)).rolled ? 'rollover' : 'update';
      if (profile) await target.putProfile(profile);
      break;
  }
  return entry.action;
}

function asMcpctlError(error: unknown): McpctlError {
  if (error instanceof McpctlError) return error;
  return new McpctlError('INTERNAL', (error as Error).message ?? String(error), { cause: error });
}
