import { assertPublicUpstream, type Resolve, systemResolve } from '../../daemon/net/addressPolicy.js';
import { buildChildEnvironment } from '../../daemon/process/environment.js';
import { assertLaunchable } from '../../daemon/process/launchable.js';
import { endMarkedGroups, findMarkedProcesses, ownershipMarks } from '../../daemon/process/ownership.js';
import { killOrphan } from '../../daemon/process/spawn.js';
import { Limiter } from '../../protocol/aggregate/limiter.js';
import { SHARED_CLIENT_CAPABILITIES } from '../../protocol/multiplex/clientCapabilities.js';
import type { UpstreamTap } from '../../protocol/multiplex/upstreamTap.js';
import { byCodePoint } from '../../shared/compare.js';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { InstancePatch, JsonObject, Store, StoredInstance } from '../../store/types.js';
import type { EventSink } from '../events/eventHub.js';
import type { EventType } from '../events/eventTypes.js';
import { INSTANCE_SEPARATOR, type NeededInstance, serverOfInstance } from '../profiles/instanceIdentity.js';
import { maskingLog } from '../secrets/maskingLog.js';
import { type SecretResolver, withSecrets } from '../secrets/resolveSpec.js';
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
import type { DesiredState } from './states.js';
import { type ServerLogSink, startStdioRunner } from './stdioRunner.js';
import type { DerivedEntry, ServerEntry } from './views.js';

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
  /** Where events go (the daemon's EventHub, which also tells followers); the store's events by default. */
  events?: EventSink;
  /** Values of `${secret:NAME}` references, asked at each spawn or connect (never stored in a definition). */
  secrets?: SecretResolver;
  /**
   * How http upstreams' host names resolve, for the private-address check at add and at every
   * connect (daemon/net/addressPolicy.ts); node's resolver by default, a test's to play DNS rebinding.
   */
  resolve?: Resolve;
  /** Tracing is on: http upstreams get each request's trace context as headers too, not only in `_meta`. */
  traceHeaders?: boolean;
  /** Told when each instance's upstream becomes usable or goes away (the gateway listens), by instance key. */
  observe?(name: string): InstanceObserver | undefined;
  /** How many stdio servers start (spawn until initialized) at once (default 4). */
  startConcurrency?: number;
  /** The instances the profiles need now (instanceIdentity.ts): read at load and after a server's edit. */
  needs?(): Map<string, NeededInstance>;
  /** A server's edit changed which instance serves some profile member: the gateway re-routes them. */
  instancesChanged?(): void;
  /** What an isolated server's per-session upstreams tell the daemon's logs. */
  tap?(name: string): UpstreamTap;
  /** The node whose instance rows this daemon reads and writes ('' by default: the one daemon of its store). */
  instanceNode?: string;
}

/**
 * Which servers run on this node, in a cluster (core/cluster/leaseKeeper.ts). Without one, every
 * server runs here, as on a daemon alone.
 */
export interface Placement {
  /** This node runs `name` now (it holds a slot of it, or it runs on every node). */
  runsHere(name: string): boolean;
  /**
   * The user asked `name` to run or to stop: every node's desired state says so, and placement
   * acts on it at once (gains or gives up slots) instead of at its next round.
   */
  desiredChanged(names: readonly string[], desired: DesiredState): Promise<void>;
}

/** An instance of a server for profile members whose env differs from the server's (`SERVER@<hash>`). */
interface Derived extends DerivedEntry {
  spec: ServerSpec;
}

interface Managed extends ServerEntry {
  log: ServerLog;
  /** Store writes of this server, applied in order. */
  writes: Promise<unknown>;
  /** Edits of its definition, one at a time. */
  updates: Promise<unknown>;
  /** The profiles its own instance serves. */
  profiles: string[];
  derived: Map<string, Derived>;
}

export type Targets = { names: string[]; all: boolean };

/** The added server; `alreadyExisted`: the very same definition was already there (a retried add). */
export interface AddedEntry extends ServerEntry {
  alreadyExisted: boolean;
}

function added(entry: ServerEntry, alreadyExisted: boolean): AddedEntry {
  return { ...entryOf(entry), alreadyExisted };
}

function entryOf(entry: ServerEntry): ServerEntry {
  const { spec, createdAt, instance, profiles, derived } = entry;
  return { spec, createdAt, instance, ...(profiles ? { profiles } : {}), ...(derived ? { derived } : {}) };
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
  /** Bounds the stdio starts under way: a daemon start of twenty servers spawns a few at a time. */
  private readonly startGate: Limiter;
  private placement: Placement | undefined;

  constructor(private readonly deps: SupervisorDeps) {
    this.startGate = new Limiter(deps.startConcurrency ?? 4);
  }

  private get events(): EventSink {
    return this.deps.events ?? this.deps.store.events;
  }

  /**
   * Loads definitions and ends every process a crashed daemon left behind, before
   * anything starts: those marked with this home's id in their environment (also the
   * ones spawned but not yet recorded when it died), then any recorded pid. Both are
   * checked against the kernel start time, so a reused pid is never killed.
   */
  async load(): Promise<void> {
    const { store, logger } = this.deps;
    const node = this.deps.instanceNode ?? '';
    const rows = (await store.instances.list()).filter((row) => row.node === node);
    const saved = new Map(rows.map((row) => [row.server, row]));
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
    // Profiles' instances are not stored: they follow from the profiles, and their processes carry marks.
    if (this.deps.needs) this.adoptNeeds(this.deps.needs());
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
      .filter((managed) => this.runsHere(managed.spec.name))
      .flatMap((managed) => instancesOf([managed]))
      .map((instance) => instance.start({ manual: false }));
    await Promise.all(starts);
  }

  /** The definition of a server, undefined when there is none. */
  specOf(name: string): ServerSpec | undefined {
    return this.servers.get(name)?.spec;
  }

  /** The instance of a key: a server's own (`NAME`) or one of its profiles' (`NAME@<hash>`). */
  instanceOf(key: string): { spec: ServerSpec; instance: Instance } | undefined {
    const managed = this.servers.get(serverOfInstance(key));
    if (managed === undefined) return undefined;
    return key === managed.spec.name ? managed : managed.derived.get(key);
  }

  /**
   * Makes the instances `needed` by the profiles exist, before the profiles that need them are
   * served: new ones are created and, when their server should run, started and initialized (a
   * new one that does not come up is SERVER_FAILED, and the caller's change is not made); existing
   * ones take their server's current definition (rolled over when a launch field changed).
   * Nothing is stopped here: `release` does that once no profile points at the old instances.
   */
  async provide(needed: Map<string, NeededInstance>): Promise<void> {
    const changed = this.adoptNeeds(needed);
    const starts = changed.map(async ({ managed, derived, previous }) => {
      const { instance } = derived;
      const shouldRun =
        managed.instance.desired === 'running' &&
        managed.instance.state !== 'failed' &&
        this.runsHere(managed.spec.name);
      if (previous === undefined) {
        if (!shouldRun) return;
        instance.assumeDesired('running');
        await instance.start({ manual: false });
        if (instance.state !== 'running') throw notUp(derived.key, instance.lastError);
        return;
      }
      if (instance.state !== 'running' || !needsRollover(previous, derived.spec)) return;
      const outcome = await rollOver({
        name: derived.key,
        instance,
        createRunner: () => this.createRunner(derived.spec, managed.log, derived.key),
        policy: derived.spec.policy,
      });
      if (outcome.rolled) this.event(managed, 'rolled-over', `${derived.key}: rolled over with its server's edit`);
    });
    const results = await Promise.allSettled(starts);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Stops and forgets the profiles' instances not in `needed` (no profile uses them any more); the rest serve the profiles `needed` says. */
  async release(needed: Map<string, NeededInstance>): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const managed of this.servers.values()) {
      managed.profiles = needed.get(managed.spec.name)?.profiles ?? [];
      for (const [key, derived] of managed.derived) {
        const need = needed.get(key);
        if (need !== undefined) {
          derived.profiles = need.profiles; // as served now (a refused change had announced others)
          continue;
        }
        managed.derived.delete(key);
        this.event(managed, 'instance-removed', `${key} removed: no profile uses it any more`);
        stops.push(derived.instance.stop({ keepDesired: false }));
      }
    }
    await Promise.all(stops);
  }

  /** Records `needed` in memory: new derived instances (not started), changed definitions, profiles served. */
  private adoptNeeds(
    needed: Map<string, NeededInstance>,
  ): Array<{ managed: Managed; derived: Derived; previous: ServerSpec | undefined }> {
    const changed: Array<{ managed: Managed; derived: Derived; previous: ServerSpec | undefined }> = [];
    for (const need of needed.values()) {
      const managed = this.servers.get(need.server);
      if (managed === undefined) continue;
      if (need.key === managed.spec.name) {
        managed.profiles = need.profiles;
        continue;
      }
      if (managed.spec.transport !== 'stdio') continue;
      const spec: ServerSpec = { ...managed.spec, env: need.env };
      const existing = managed.derived.get(need.key);
      if (existing !== undefined) {
        existing.profiles = need.profiles;
        existing.overlay = need.overlay;
        if (sameDefinition(existing.spec, spec)) continue;
        const previous = existing.spec;
        existing.spec = spec;
        existing.instance.applyPolicy(spec.policy);
        changed.push({ managed, derived: existing, previous });
        continue;
      }
      const derived = this.manageDerived(managed, need, spec);
      this.event(managed, 'instance-added', `${need.key} added for profile ${need.profiles.join(', ')}`);
      changed.push({ managed, derived, previous: undefined });
    }
    return changed;
  }

  private manageDerived(managed: Managed, need: NeededInstance, spec: ServerSpec): Derived {
    const { deps } = this;
    const tag = need.key.slice(need.key.indexOf(INSTANCE_SEPARATOR));
    // Its lines go to its server's log, each stream tagged: `mcpctl logs NAME` shows every instance.
    const log: ServerLogSink = {
      appendLine: (stream, text) => managed.log.appendLine(`${stream}${tag}`, text),
      pipeLines: (readable, stream) => managed.log.pipeLines(readable, `${stream}${tag}`),
    };
    const derived: Derived = {
      key: need.key,
      overlay: need.overlay,
      profiles: need.profiles,
      spec,
      instance: undefined as unknown as Instance,
    };
    derived.instance = new Instance({
      name: need.key,
      policy: spec.policy,
      createRunner: () => this.createRunner(derived.spec, log, need.key),
      // Not stored: it exists while a profile needs it; its desired state is its server's.
      record: () => {},
      commit: () => Promise.resolve(),
      event: (type, message, data) => this.event(managed, type, message, data),
      clock: deps.clock,
      random: deps.random,
      logger: deps.logger.child({ server: need.key }),
      observer: deps.observe?.(need.key),
      admit: (attempt) => (derived.spec.transport === 'stdio' ? this.startGate.run(attempt) : attempt()),
    });
    derived.instance.assumeDesired(managed.instance.desired);
    managed.derived.set(need.key, derived);
    return derived;
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
    await this.assertStartable(spec);
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
    // In a cluster it starts where placement puts it: here only once this node took a slot of it.
    if (this.placement) await this.placement.desiredChanged([spec.name], desired);
    if (spec.autostart && this.runsHere(spec.name)) {
      await settleUnless(options.wait === false, managed.instance.start({ manual: true }));
    }
    return added(managed, false);
  }

  /**
   * What a new or edited definition is checked for before it is written: a command the daemon can
   * launch (its PATH, its file system), an http upstream at no private address unless allowed.
   */
  async assertStartable(spec: ServerSpec): Promise<void> {
    if (spec.transport === 'stdio') assertLaunchable(spec, buildChildEnvironment(this.deps.parentEnv, spec.env));
    else if (!spec.allowPrivate) await assertPublicUpstream(spec.url, this.deps.resolve);
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
  async edit(
    name: string,
    change: (current: ServerSpec) => ServerSpec,
    options: { stored?: boolean } = {},
  ): Promise<UpdatedEntry> {
    const managed = this.get(name) as Managed;
    const work = managed.updates.then(async () => {
      try {
        const outcome = await this.updateNow(managed, change(managed.spec), options.stored === true);
        if (outcome.changed) await this.followEdit(managed);
        return outcome;
      } finally {
        await managed.writes; // its events are in the store when the caller hears back (`show` right after)
      }
    });
    managed.updates = work.catch(() => undefined);
    return work;
  }

  /**
   * The profiles' instances of an edited server take its new definition: rolled over in place when
   * their effective env is unchanged, re-keyed (a new instance up, members moved, the old one
   * stopped) when the server's own env changed it.
   */
  private async followEdit(managed: Managed): Promise<void> {
    const { needs, instancesChanged, logger } = this.deps;
    if (needs === undefined) return;
    const needed = needs();
    try {
      await this.provide(needed);
    } catch (error) {
      logger.error({ server: managed.spec.name, err: (error as Error).message }, 'a profile instance did not follow');
    }
    instancesChanged?.();
    await this.release(needed);
  }

  /** `stored`: another node wrote it (adoptStored): neither checked nor written here, never written back. */
  private async updateNow(managed: Managed, spec: ServerSpec, stored = false): Promise<UpdatedEntry> {
    const previous = managed.spec;
    const result = (changed: boolean, rolled: boolean): UpdatedEntry => ({ ...entryOf(managed), changed, rolled });
    if (sameDefinition(previous, spec)) return result(false, false);
    if (!stored) await this.assertStartable(spec);
    const fields = changedFields(previous, spec).join(', ');
    if (!stored) await this.writeDefinition(spec);
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
      if (stored) {
        // The store keeps the edit (its writer's rollover worked): the old process serves until its next start.
        this.event(
          managed,
          'update-failed',
          `${spec.name}: not rolled over here, its next start uses the edit: ${(error as Error).message}`,
        );
        return result(true, false);
      }
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
    await Promise.all(instancesOf([managed]).map((instance) => instance.stop({ keepDesired: false })));
    managed.derived.clear();
    // Its own events went with its row: the removal is kept without one, naming it in its data.
    const message = `${name} removed`;
    this.deps.logger.info({ server: name, event: 'removed' }, message);
    await this.events
      .append({ server: null, type: 'removed', message, data: { server: name } })
      .catch((error: unknown) =>
        this.deps.logger.error({ server: name, err: (error as Error).message }, 'could not record event'),
      );
  }

  /**
   * A definition another node wrote (the change feed, core/cluster/changeSync.ts), made known and
   * managed here without writing it again. A new one is managed as `add` leaves it (started when
   * autostart says so; whether it runs on this node is placement's decision); a known one takes the
   * edit as `update` does (in place, or rolled over, profiles' instances following).
   */
  async adoptStored(spec: ServerSpec, createdAt: string): Promise<void> {
    if (this.servers.has(spec.name)) {
      await this.edit(spec.name, () => spec, { stored: true });
      return;
    }
    const managed = this.manage(spec, createdAt);
    managed.instance.assumeDesired(spec.autostart ? 'running' : 'stopped');
    this.note(managed, `${spec.name} added on another node`);
    // In a cluster the lease keeper's next round places it; only a node it already runs on starts it now.
    if (spec.autostart && this.runsHere(spec.name)) void settleUnless(true, managed.instance.start({ manual: true }));
  }

  /** A server another node removed: stopped and forgotten here as `remove` does, with nothing written. */
  async forgetStored(name: string): Promise<void> {
    const managed = this.servers.get(name);
    if (managed === undefined) return;
    // Out of the map first: its instances' last writes go nowhere (the row went with the definition).
    this.servers.delete(name);
    managed.log.remove();
    await Promise.all(instancesOf([managed]).map((instance) => instance.stop({ keepDesired: false })));
    managed.derived.clear();
    this.deps.logger.info({ server: name }, `${name} removed on another node`);
  }

  /** Said in the daemon's and the server's logs only: the node that made the change recorded its event. */
  private note(managed: Managed, message: string): void {
    this.deps.logger.info({ server: managed.spec.name }, message);
    managed.log.appendLine('mcpctl', message);
  }

  /** Resolves names first, so an unknown name changes nothing. */
  resolve(targets: Targets): ServerEntry[] {
    return targets.all ? this.list() : targets.names.map((name) => this.get(name));
  }

  /** Start, stop and restart act on a server's instances for profiles too. */
  async start(targets: Targets, options: { wait?: boolean } = {}): Promise<ServerEntry[]> {
    const entries = this.resolve(targets);
    if (this.placement) {
      // Cluster-wide: every node's desired state first, then this node runs those placed here.
      for (const entry of entries) entry.instance.assumeDesired('running');
      await this.placement.desiredChanged(
        entries.map((entry) => entry.spec.name),
        'running',
      );
    }
    const here = entries.filter((entry) => this.runsHere(entry.spec.name));
    const starts = Promise.all(instancesOf(here).map((instance) => instance.start({ manual: true })));
    await settleUnless(options.wait === false, starts);
    return entries;
  }

  /** In a cluster, a stop is cluster-wide: the desired state of every node's row, and each node stops its own. */
  async stop(targets: Targets): Promise<ServerEntry[]> {
    const entries = this.resolve(targets);
    await Promise.all(instancesOf(entries).map((instance) => instance.stop({ keepDesired: false })));
    await this.placement?.desiredChanged(
      entries.map((entry) => entry.spec.name),
      'stopped',
    );
    return entries;
  }

  /** Cluster placement from now on (set before `load`): `resume`, `add` and `start` run here only what it places here. */
  setPlacement(placement: Placement): void {
    this.placement = placement;
  }

  private runsHere(name: string): boolean {
    return this.placement === undefined || this.placement.runsHere(name);
  }

  /** The cluster's desired state of `name` (a start or stop on another node): in memory only, the store holds it. */
  clusterDesired(name: string, desired: DesiredState): void {
    const managed = this.servers.get(name);
    if (managed !== undefined && managed.instance.desired !== desired) managed.instance.assumeDesired(desired);
  }

  /**
   * Placement's decision for this node: start `name` here (a slot gained; a server that failed
   * stays failed until the user starts it) or stop it (a slot lost or given up), its desired state
   * kept either way: it is the cluster's, not this node's.
   */
  async placed(name: string, run: boolean): Promise<void> {
    const managed = this.servers.get(name);
    if (managed === undefined) return;
    const instances = instancesOf([managed]);
    if (!run) {
      await Promise.all(instances.map((instance) => instance.stop({ keepDesired: true })));
      return;
    }
    if (managed.instance.state === 'failed') return;
    await Promise.all(instances.map((instance) => instance.start({ manual: false })));
  }

  /** In a cluster, each node restarts its own: a node that does not run a server must not start it. */
  async restart(targets: Targets): Promise<ServerEntry[]> {
    const entries = this.resolve(targets);
    const here = entries.filter((entry) => this.runsHere(entry.spec.name));
    await Promise.all(instancesOf(here).map((instance) => instance.restart()));
    return entries;
  }

  /** Daemon shutdown: stop everything but remember what should run next time. */
  async shutdown(): Promise<void> {
    const all = [...this.servers.values()];
    await Promise.all(instancesOf(all).map((instance) => instance.stop({ keepDesired: true })));
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
      profiles: [],
      derived: new Map(),
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
      admit: (attempt) => (managed.spec.transport === 'stdio' ? this.startGate.run(attempt) : attempt()),
    });
    this.servers.set(spec.name, managed);
    return managed;
  }

  /**
   * `spec` keeps its `${secret:NAME}` references; only the runner gets their values (withSecrets).
   * `instance`: the key its processes are marked with (a later daemon ends them by it).
   */
  private async createRunner(spec: ServerSpec, log: ServerLogSink, instance: string = spec.name): Promise<Runner> {
    const { deps } = this;
    if (spec.transport === 'http') {
      const { spec: connected } = await withSecrets(spec, deps.secrets);
      return new HttpRunner(
        connected,
        deps.clientInfo,
        SHARED_CLIENT_CAPABILITIES,
        deps.resolve ?? systemResolve,
        deps.traceHeaders === true,
      );
    }
    const spawn = async () => {
      const { spec: spawned, values } = await withSecrets(spec, deps.secrets);
      return startStdioRunner({
        spec: spawned,
        log: maskingLog(log, values),
        parentEnv: deps.parentEnv,
        clientInfo: deps.clientInfo,
        maxLineBytes: deps.maxLineBytes,
        marks: ownershipMarks(deps.homeId, instance),
      });
    };
    if (spec.share === 'shared') return spawn();
    return new IsolatedPool({
      name: instance,
      spawn,
      pool: spec.pool,
      maxSessions: spec.maxSessions,
      startTimeoutMs: spec.policy.startTimeoutMs,
      stopGraceMs: spec.policy.stopGraceMs,
      ...requestDeadlines(spec.policy),
      logger: deps.logger.child({ server: instance }),
      ...(deps.tap === undefined ? {} : { tap: deps.tap(spec.name) }),
    });
  }

  /** Writes `patch` after this server's earlier writes; rejects when it failed (the chain goes on). */
  private persist(managed: Managed, patch: InstancePatch): Promise<void> {
    const name = managed.spec.name;
    const write = managed.writes.then(async (): Promise<void> => {
      // A removed server's late writes go nowhere (nor to a new server of the same name).
      if (this.servers.get(name) === managed)
        await this.deps.store.instances.update(name, patch, this.deps.instanceNode);
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

  private event(managed: Managed, type: EventType, message: string, data?: JsonObject): void {
    const name = managed.spec.name;
    this.deps.logger.info({ server: name, event: type, ...data }, message);
    managed.log.appendLine('mcpctl', message);
    managed.writes = managed.writes
      .then(
        async (): Promise<unknown> =>
          this.servers.get(name) === managed && this.events.append({ server: name, type, message, data: data ?? null }),
      )
      .catch((error: unknown) =>
        this.deps.logger.error({ server: name, err: (error as Error).message }, 'could not record event'),
      );
  }
}

/** Each server's own instance and those of its profiles. */
function instancesOf(entries: readonly ServerEntry[]): Instance[] {
  return entries.flatMap((entry) => [entry.instance, ...[...(entry.derived?.values() ?? [])].map((d) => d.instance)]);
}

function notUp(key: string, reason: string | null): McpctlError {
  return new McpctlError('SERVER_FAILED', `the instance ${key} did not come up${reason ? ` (${reason})` : ''}`, {
    hint: `see 'mcpctl logs ${serverOfInstance(key)}' (its lines are tagged ${key.slice(key.indexOf(INSTANCE_SEPARATOR))}) and fix the member's env`,
  });
}

/** Awaits `work`, or (`detach`) lets it run on: a start's outcome is recorded as state and events anyway. */
async function settleUnless(detach: boolean, work: Promise<unknown>): Promise<void> {
  if (!detach) {
    await work;
    return;
  }
  work.catch(() => {});
}
