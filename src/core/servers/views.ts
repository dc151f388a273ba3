import type { ServerView } from '../api.js';
import type { ServerSpec } from './definition.js';
import type { Instance } from './instance.js';
import { maskSensitive } from './redact.js';

/** An instance of a server for profile members with env of their own (core/profiles/instanceIdentity.ts). */
export interface DerivedEntry {
  /** `SERVER@<hash>`. */
  key: string;
  /** What the members lay over the server's env. */
  overlay: Record<string, string>;
  profiles: string[];
  instance: Instance;
}

export interface ServerEntry {
  spec: ServerSpec;
  createdAt: string;
  instance: Instance;
  /** The profiles its own instance serves. */
  profiles?: readonly string[];
  /** Its instances for profiles, by key. */
  derived?: ReadonlyMap<string, DerivedEntry>;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** The stable JSON shape of a server (camelCase fields are a contract for scripts); `nodes`: where it runs. */
export function toServerView(entry: ServerEntry, now: number, nodes: readonly string[] = []): ServerView {
  const { spec, instance } = entry;
  const stdio = spec.transport === 'stdio' ? spec : undefined;
  const http = spec.transport === 'http' ? spec : undefined;
  return {
    name: spec.name,
    transport: http?.sse ? 'sse' : spec.transport,
    state: instance.state,
    desired: instance.desired,
    pid: instance.runner?.pid ?? null,
    restarts: instance.restarts,
    uptimeSeconds: instance.runningSince === undefined ? null : Math.floor((now - instance.runningSince) / 1000),
    lastExitCode: instance.lastExitCode,
    lastExitSignal: instance.lastExitSignal,
    lastError: instance.lastError,
    command: stdio?.command ?? null,
    args: stdio?.args ?? [],
    cwd: stdio?.cwd ?? null,
    url: http?.url ?? null,
    sharing: stdio ? { mode: stdio.share, pool: stdio.pool, maxSessions: stdio.maxSessions } : null,
    roots: stdio?.roots ?? [],
    processes: instance.runner?.processes?.() ?? [],
    env: maskSensitive(stdio?.env ?? {}),
    headers: maskSensitive(http?.headers ?? {}),
    autostart: spec.autostart,
    labels: spec.labels,
    policy: spec.policy,
    logLevel: spec.logLevel ?? null,
    debugPayloads: spec.debugPayloads === true,
    createdAt: entry.createdAt,
    startedAt: iso(instance.runningSince),
    nextRestartAt: iso(instance.nextRestartAt),
    downSince: iso(instance.downSince),
    profiles: [...(entry.profiles ?? [])],
    replicas: spec.replicas ?? 1,
    nodes: [...nodes],
    instances: [...(entry.derived?.values() ?? [])].map((derived) => toInstanceView(derived, now)),
  };
}

function toInstanceView(derived: DerivedEntry, now: number): ServerView['instances'][number] {
  const { instance } = derived;
  return {
    id: derived.key,
    profiles: [...derived.profiles],
    env: maskSensitive(derived.overlay),
    state: instance.state,
    pid: instance.runner?.pid ?? null,
    restarts: instance.restarts,
    uptimeSeconds: instance.runningSince === undefined ? null : Math.floor((now - instance.runningSince) / 1000),
    lastExitCode: instance.lastExitCode,
    lastExitSignal: instance.lastExitSignal,
    lastError: instance.lastError,
  };
}
