import { byCodePoint } from '../../shared/compare.js';
import type { ProfileSpec } from '../profiles/definition.js';
import { needsRollover, type ServerSpec, sameDefinition } from '../servers/definition.js';

/**
 * What `apply` does to match a file, as data: a pure function of the current definitions and the
 * file's (both validated, defaults applied), so `--dry-run` prints exactly what a real run does.
 */
export const PLAN_ACTIONS = ['create', 'update', 'rollover', 'unchanged', 'delete'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];
export const PLAN_KINDS = ['server', 'profile'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

export interface PlanStep {
  kind: PlanKind;
  name: string;
  /** update: edited in place (a policy, labels); rollover: its instance is replaced by a new one. */
  action: PlanAction;
  /** The fields that differ, as paths (`env.API_KEY`, `policy.restart`); never their values. */
  changes: string[];
}

export interface DefinedState {
  servers: ServerSpec[];
  profiles: ProfileSpec[];
}

/**
 * Servers first (a profile's members must exist before it), then profiles; with `prune`, profiles
 * the file does not name go before the servers it does not name, so no profile uses a server when
 * it goes. Within each group the file's order; deletions by name.
 */
export function planApply(current: DefinedState, desired: DefinedState, options: { prune: boolean }): PlanStep[] {
  const steps: PlanStep[] = [];
  const servers = new Map(current.servers.map((spec) => [spec.name, spec]));
  for (const spec of desired.servers) {
    const existing = servers.get(spec.name);
    if (!existing) steps.push(step('server', spec.name, 'create'));
    else if (sameDefinition(existing, spec)) steps.push(step('server', spec.name, 'unchanged'));
    else {
      const changes = changedFields(existing, spec);
      steps.push(step('server', spec.name, needsRollover(existing, spec) ? 'rollover' : 'update', changes));
    }
  }
  const profiles = new Map(current.profiles.map((spec) => [spec.name, spec]));
  for (const spec of desired.profiles) {
    const existing = profiles.get(spec.name);
    const changes = existing ? changedFields(existing, spec) : [];
    const action = !existing ? 'create' : changes.length === 0 ? 'unchanged' : 'update';
    steps.push(step('profile', spec.name, action, changes));
  }
  if (options.prune) {
    steps.push(...deletions('profile', current.profiles, desired.profiles));
    steps.push(...deletions('server', current.servers, desired.servers));
  }
  return steps;
}

/** Whether the plan changes anything at all. */
export function planChanges(steps: PlanStep[]): boolean {
  return steps.some((entry) => entry.action !== 'unchanged');
}

function step(kind: PlanKind, name: string, action: PlanAction, changes: string[] = []): PlanStep {
  return { kind, name, action, changes };
}

function deletions(kind: PlanKind, current: Array<{ name: string }>, desired: Array<{ name: string }>): PlanStep[] {
  const named = new Set(desired.map((entry) => entry.name));
  return current
    .filter((entry) => !named.has(entry.name))
    .map((entry) => entry.name)
    .sort(byCodePoint)
    .map((name) => step(kind, name, 'delete'));
}

/**
 * The paths at which two definitions differ: object keys are followed (in any order, an absent key
 * and an undefined one are the same), lists and plain values compare whole (`args`, `members`).
 */
export function changedFields(before: unknown, after: unknown, prefix = ''): string[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(byCodePoint);
    return keys.flatMap((key) => changedFields(before[key], after[key], prefix === '' ? key : `${prefix}.${key}`));
  }
  return sameValue(before, after) ? [] : [prefix];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => changedFields(item, b[index]).length === 0);
  }
  if (isRecord(a) && isRecord(b)) return changedFields(a, b).length === 0;
  return a === b;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
