import { buildChildEnvironment } from '../../daemon/process/environment.js';
import { assertLaunchable } from '../../daemon/process/launchable.js';
import { endMarkedGroups, findMarkedProcesses, ownershipMarks } from '../../daemon/process/ownership.js';
import { killOrphan } from '../../daemon/process/spawn.js';
import { SHARED_CLIENT_CAPABILITIES } from '../../protocol/multiplex/clientCapabilities.js';
import type { UpstreamTap } from '../../protocol/multiplex/upstreamTap.js';
import { byCodePoint } from '../../shared/compare.js';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { InstancePatch, JsonObject, Store, StoredInstance } from '../../store/types.js';
import { IsolatedPool } from '../sessions/isolatedPool.js';
import { parseInput } from '../validation.js';
import {
  changedFields,
  needsRollover,
  policySchema,
  type ServerSpec,
  sameDefinition,
  serverSpecSchema,
} from './definition.js';
import { HttpRunner } from './httpRunner.js';
import { type Clock, Instance, type InstanceObserver } from './instance.js';
import { requestDeadlines } from './requestTimeout.js';
import { rollOver } from './rollover.js';
import type { Runner } from './runner.js';
import { type ServerLogSink, startStdioRunner } from './stdioRunner.js';
import type { ServerEntry } from './views.js';

export interface ServerLog extends ServerLogSink {
  close(): void;
  /** Closes it and deletes its files (rotated ones too): a later server of the same name starts a fresh log. */
  remove(): void;
}

export interface SupervisorDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
  random: () => number;
  parentEnv: NodeJS.ProcessEnv;
  clientInfo: { name: string; version: string };
  maxLineBytes: number;
  /** Marks every process this daemon starts, so that it or a later daemon of the same home finds them all. */
  homeId: string;
  openLog(name: string): ServerLog;
  /** Told when each server's upstream becomes usable or goes away (the gateway listens). */
  observe?(name: string): InstanceObserver | undefined;
  /** What an isolated server's per-session upstreams tell the daemon's logs. */
  tap?(name: string): UpstreamTap;
}

interface Managed extends ServerEntry {
  log: ServerLog;
  /** Store writes of this server, applied in order. */
  writes: Promise<unknown>;
  /** Edits of its definition, one at a time. */
  updates: Promise<unknown>;
}

export type Targets = { names: string[]; all: boolean };

/** The added server; `alreadyExisted`: the very same definition was already there (a retried add). */
export interface AddedEntry extends ServerEntry {
  alreadyExisted: boolean;
}

function added(entry: ServerEntry, alreadyExisted: boolean): AddedEntry {
  return { spec: entry.spec, createdAt: entry.createdAt, instance: entry.instance, alreadyExisted };
}

/**
 * What an edit did. `changed`: the definition differed (false: nothing was written). `rolled`: the
 * running instance was replaced by one of the new definition; otherwise the change applied in place
 * (or the server was not running, and its next start uses it).
 */
export interface UpdatedEntry extends ServerEntry {
  changed: boolean;
  rolled: boolean;
}

const DEFAULT_STOP_GRACE_MS = policySchema.parse({}).stopGraceMs;

/** Owns every server's instance: definitions in, state changes out to the store. */
export class Supervisor {
  private readonly servers = new Map<string, Managed>();

  constructor(private readonly deps: SupervisorDeps) {}

  /**
   * Loads definitions and ends every process a crashed daemon left behind, before
   * anything starts: those marked with this home's id in their environment (also the
   * ones spawned but not yet recorded when it died), then any recorded pid. Both are
   * checked against the kernel start time, so a reused pid is never killed.
   */
  async load(): Promise<void> {
    const { store, logger } = this.deps;
    const saved = new Map((await store.instances.list()).map((row) => [row.server, row]));
    const loaded: Array<{ managed: Managed; saved: StoredInstance | undefined }> = [];
    for (const row of await store.servers.list()) {
      let spec: ServerSpec;
      try {
        spec = parseInput(serverSpecSchema, row.spec, `stored definition of '${row.name}'`);
      } catch (error) {
        logger.error({ server: row.name, err: (error as Error).message }, 'skipping an unreadable server definition');
        continue;
      }
      const managed = this.manage(spec, row.createdAt);
      const state = saved.get(row.name);
      if (state) managed.instance.restore(state);
      loaded.push({ managed, saved: state });
    }
    await this.endLeftovers(loaded);
    for (const { managed, saved: state } of loaded) {
      // Only rows that still describe the old daemon's processes: a start with many servers stays quick.
      const stale =
        state && (state.pid !== null || state.nextRestartAt !== null || state.state !== managed.instance.state);
      if (stale)
        this.record(managed, { pid: null, pidStartTime: null, state: managed.instance.state, nextRestartAt: null });
    }
  }

  private async endLeftovers(loaded: Array<{ managed: Managed; saved: StoredInstance | undefined }>): Promise<void> {
    const graceOf = (server: string | undefined): number =>
      this.servers.get(server ?? '')?.spec.policy.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    const marked = findMarkedProcesses(this.deps.homeId);
    for (const leader of await endMarkedGroups(marked, graceOf)) this.orphanEnded(leader.server, leader.pid);
    // By the recorded pid too: without /proc (macOS) nothing is found by its mark.
    await Promise.all(
      loaded.map(async ({ managed, saved }) => {
        if (!saved || saved.pid === null) return;
        if (await killOrphan(saved.pid, saved.pidStartTime, managed.spec.policy.stopGraceMs)) {
          this.orphanEnded(managed.spec.name, saved.pid);
        }
      }),
    );
  }

  private orphanEnded(server: string | undefined, pid: number): void {
    this.deps.logger.warn({ server, serverPid: pid }, 'ended a server process left by an earlier daemon');
    const managed = this.servers.get(server ?? '');
    if (managed) this.event(managed, 'orphan-killed', `ended pid ${pid} left running by an earlier daemon`);
  }

  /**
   * Starts what should run: servers with autostart, and those that were running. A
   * server that had failed stays failed until the user starts it.
   */
  async resume(): Promise<void> {
    const starts = [...this.servers.values()]
      .filter((managed) => managed.spec.autostart || managed.instance.desired === 'running')
      .filter((managed) => managed.instance.state !== 'failed')
      .map((managed) => managed.instance.start({ manual: false }));
    await Promise.all(starts);
  }

  list(): ServerEntry[] {
    return [...this.servers.values()].sort((a, b) => byCodePoint(a.spec.name, b.spec.name));
  }

  /** The server of that name, or undefined (a lookup for every log line: no error built). */
  find(name: string): ServerEntry | undefined {
    return this.servers.get(name);
  }

  get(name: string): ServerEntry {
    const managed = this.servers.get(name);
    if (!managed) {
      throw new McpctlError('NOT_FOUND', `no server named '${name}'`, { hint: "list servers with 'mcpctl server ls'" });
    }
    return managed;
  }

  /**
   * Write first, then act: the definition (with its desired state) is committed before
   * anything starts, and a failed write leaves nothing behind. Adding the very same
   * definition again succeeds with `alreadyExisted` (an add whose answer was lost to a
   * daemon crash can be retried); a different one under a taken name is ALREADY_EXISTS.
   * `wait: false` starts it (autostart) without waiting for the outcome of its first attempt.
   */
  async add(spec: ServerSpec, options: { wait?: boolean } = {}): Promise<AddedEntry> {
    // The daemon spawns it, so the daemon checks it can: its PATH and the filesystem it sees.
    if (spec.transport === 'stdio') assertLaunchable(spec, buildChildEnvironment(this.deps.parentEnv, spec.env));
    const desired = spec.autostart ? 'running' : 'stopped';
    let createdAt: string;
    try {
      ({ createdAt } = await this.deps.store.servers.insert({
        name: spec.name,
        transport: spec.transport,
        spec: spec as unknown as JsonObject,
        desired,
      }));
    } catch (error) {
      const existing = this.servers.get(spec.name);
      if (error instanceof McpctlError && error.code === 'ALREADY_EXISTS' && existing) {
        if (sameDefinition(existing.spec, spec)) return added(existing, true);
      }
      throw error;
    }
    const managed = this.manage(spec, createdAt);
    managed.instance.assumeDesired(desired);
    this.event(managed, 'added', `${spec.name} added`);
    if (spec.autostart) await settleUnless(options.wait === false, managed.instance.start({ manual: true }));
    return added(managed, false);
  }

  /**
   * Changes a server's definition in place: its name, creation time, events and counters stay, and
   * so do other servers' sessions. Write first, then act: the new definition is committed (a refused
   * write changes nothing), then a policy, labels or autostart apply at once, while a change to what
   * the process is started with (command, args, env, cwd, sharing, roots; url, headers) rolls a
   * running instance over (rollover.ts). A rollover whose new process does not come up keeps the old
   * one serving and writes the old definition back: the edit applies whole or not at all.
   */
  async update(spec: ServerSpec): Promise<UpdatedEntry> {
    return this.edit(spec.name, () => spec);
  }

  /**
   * `update` with the new definition made from the current one, once earlier edits of the server are
   * done (`server set`: a patch on what is there, so two edits at once never lose one another).
   */
  async edit(name: string, change: (current: ServerSpec) => ServerSpec): Promise<UpdatedEntry> {
    const managed = this.get(name) as Managed;
    const work = managed.updates.then(async () => {
      try {
        return await this.updateNow(managed, change(managed.spec));
      } finally {
        await managed.writes; // its events are in the store when the caller hears back (`show` right after)
      }
    });
    managed.updates = work.catch(() => undefined);
    return work;
  }

  private async updateNow(managed: Managed, spec: ServerSpec): Promise<UpdatedEntry> {
    const previous = managed.spec;
    const result = (changed: boolean, rolled: boolean): UpdatedEntry => ({
      spec: managed.spec,
      createdAt: managed.createdAt,
      instance: managed.instance,
      changed,
      rolled,
    });
    if (sameDefinition(previous, spec)) return result(false, false);
    if (spec.transport === 'stdio') assertLaunchable(spec, buildChildEnvironment(this.deps.parentEnv, spec.env));
    const fields = changedFields(previous, spec).join(', ');
    await this.writeDefinition(spec);
    this.adopt(managed, spec);
    const { instance } = managed;
    if (!needsRollover(previous, spec)) {
      this.event(managed, 'updated', `${spec.name}: ${fields} changed, applied in place`);
      return result(true, false);
    }
    // An attempt under way runs the old definition: start it again with the new one.
    if (instance.state === 'starting') {
      this.event(managed, 'updated', `${spec.name}: ${fields} changed; restarting its start with them`);
      await instance.restart();
      return result(true, true);
    }
    if (instance.state !== 'running') {
      this.event(managed, 'updated', `${spec.name}: ${fields} changed; its next start uses them`);
      return result(true, false);
    }
    const before = instance.runner?.pid ?? null;
    try {
      const outcome = await rollOver({
        name: spec.name,
        instance,
        createRunner: () => this.createRunner(spec, managed.log),
        policy: spec.policy,
      });
      if (!outcome.rolled) {
        this.event(managed, 'updated', `${spec.name}: ${fields} changed; its next start uses them`);
        return result(true, false);
      }
      const pids = before === null || outcome.pid === null ? '' : ` (pid ${before} → ${outcome.pid})`;
      this.event(managed, 'rolled-over', `${spec.name}: ${fields} changed; rolled over to a new process${pids}`, {
        serverPid: outcome.pid,
      });
      return result(true, true);
    } catch (error) {
      await this.restoreDefinition(managed, previous, spec, error as Error);
      throw error;
    }
  }

  /** The edit failed after its write: the old definition comes back, in the store and in memory. */
  private async restoreDefinition(
    managed: Managed,
    previous: ServerSpec,
    attempted: ServerSpec,
    error: Error,
  ): Promise<void> {
    this.adopt(managed, previous);
    try {
      await this.writeDefinition(previous);
    } catch (restore) {
      // The store keeps the new one: the next daemon start uses it. Said loudly, as it is a split.
      this.deps.logger.error(
        { server: previous.name, err: (restore as Error).message },
        'could not write the old definition back after a failed edit; the store keeps the new one',
      );
    }
    this.event(managed, 'update-failed', `${attempted.name}: edit not applied: ${error.message}`);
  }

  private writeDefinition(spec: ServerSpec): Promise<unknown> {
    return this.deps.store.servers.update({
      name: spec.name,
      transport: spec.transport,
      spec: spec as unknown as JsonObject,
    });
  }

  /** The definition in memory: the next start uses it, its policy applies at once. */
  private adopt(managed: Managed, spec: ServerSpec): void {
    managed.spec = spec;
    managed.instance.applyPolicy(spec.policy);
  }

  /**
   * Write first: while the store still holds the definition, the server keeps running.
   * Its log goes before it stops (what it prints meanwhile is dropped), so that a server
   * added under the same name while it stops gets a log of its own.
   */
  async remove(name: string): Promise<void> {
    const managed = this.get(name) as Managed;
    await managed.writes;
    await this.deps.store.servers.remove(name);
    this.servers.delete(name);
    managed.log.remove();
    await managed.instance.stop({ keepDesired: false });
  }

  /** Resolves names first, so an unknown name changes nothing. */
  resolve(targets: Targets): ServerEntry[] {
    return targets.all ? this.list() : targets.names.map((name) => this.get(name));
  }

  async start(targets: Targets, options: { wait?: boolean } = {}): Promise<ServerEntry[]> {
    const entries = this.resolve(targets);
    const starts = Promise.all(entries.map((entry) => entry.instance.start({ manual: true })));
    await settleUnless(options.wait === false, starts);
    return entries;
  }

  async stop(targets: Targets): Promise<ServerEntry[]> {
    const entries = this.resolve(targets);
    await Promise.all(entries.map((entry) => entry.instance.stop({ keepDesired: false })));
    return entries;
  }

  async restart(targets: Targets): Promise<ServerEntry[]> {
    const entries = this.resolve(targets);
    await Promise.all(entries.map((entry) => entry.instance.restart()));
    return entries;
  }

  /** Daemon shutdown: stop everything but remember what should run next time. */
  async shutdown(): Promise<void> {
    const all = [...this.servers.values()];
    await Promise.all(all.map((managed) => managed.instance.stop({ keepDesired: true })));
    await Promise.all(all.map((managed) => managed.writes));
    for (const managed of all) managed.log.close();
  }

  private manage(spec: ServerSpec, createdAt: string): Managed {
    const { deps } = this;
    const log = deps.openLog(spec.name);
    const managed: Managed = {
      spec,
      createdAt,
      log,
      writes: Promise.resolve(),
      updates: Promise.resolve(),
      instance: undefined as unknown as Instance,
    };
    managed.instance = new Instance({
      name: spec.name,
      policy: spec.policy,
      // The current definition, not the first: an edited server's next start uses its edit.
      createRunner: () => this.createRunner(managed.spec, log),
      record: (patch) => this.record(managed, patch),
      commit: (patch) => this.persist(managed, patch),
      event: (type, message, data) => this.event(managed, type, message, data),
      clock: deps.clock,
      random: deps.random,
      logger: deps.logger.child({ server: spec.name }),
      observer: deps.observe?.(spec.name),
    });
    this.servers.set(spec.name, managed);
    return managed;
  }

  private createRunner(spec: ServerSpec, log: ServerLog): Promise<Runner> {
    const { deps } = this;
    if (spec.transport === 'http') {
      return Promise.resolve(new HttpRunner(spec, deps.clientInfo, SHARED_CLIENT_CAPABILITIES));
    }
    const spawn = () =>
      startStdioRunner({
        spec,
        log,
        parentEnv: deps.parentEnv,
        clientInfo: deps.clientInfo,
        maxLineBytes: deps.maxLineBytes,
        marks: ownershipMarks(deps.homeId, spec.name),
      });
    if (spec.share === 'shared') return spawn();
    return Promise.resolve(
      new IsolatedPool({
        name: spec.name,
        spawn,
        pool: spec.pool,
        maxSessions: spec.maxSessions,
        startTimeoutMs: spec.policy.startTimeoutMs,
        stopGraceMs: spec.policy.stopGraceMs,
        ...requestDeadlines(spec.policy),
        logger: deps.logger.child({ server: spec.name }),
        ...(deps.tap === undefined ? {} : { tap: deps.tap(spec.name) }),
      }),
    );
  }

  /** Writes `patch` after this server's earlier writes; rejects when it failed (the chain goes on). */
  private persist(managed: Managed, patch: InstancePatch): Promise<void> {
    const name = managed.spec.name;
    const write = managed.writes.then(async (): Promise<void> => {
      // A removed server's late writes go nowhere (nor to a new server of the same name).
      if (this.servers.get(name) === managed) await this.deps.store.instances.update(name, patch);
    });
    managed.writes = write.catch(() => undefined);
    return write;
  }

  /** State changes the supervisor made on its own: a failed write is logged, the server goes on. */
  private record(managed: Managed, patch: InstancePatch): void {
    this.persist(managed, patch).catch((error: unknown) =>
      this.deps.logger.error({ server: managed.spec.name, err: (error as Error).message }, 'could not record state'),
    );
  }

  private event(managed: Managed, type: string, message: string, data?: JsonObject): void {
    const name = managed.spec.name;
    this.deps.logger.info({ server: name, event: type, ...data }, message);
    managed.log.appendLine('mcpctl', message);
    managed.writes = managed.writes
      .then(
        async (): Promise<unknown> =>
          this.servers.get(name) === managed &&
          this.deps.store.events.append({ server: name, type, message, data: data ?? null }),
      )
      .catch((error: unknown) =>
        this.deps.logger.error({ server: name, err: (error as Error).message }, 'could not record event'),
      );
  }
}

/** Awaits `work`, or (`detach`) lets it run on: a start's outcome is recorded as state and events anyway. */
async function settleUnless(detach: boolean, work: Promise<unknown>): Promise<void> {
  if (!detach) {
    await work;
    return;
  }
  work.catch(() => {});
}
