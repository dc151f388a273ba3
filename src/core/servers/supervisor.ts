import { buildChildEnvironment } from '../../daemon/process/environment.js';
import { assertLaunchable } from '../../daemon/process/launchable.js';
import { killOrphan } from '../../daemon/process/spawn.js';
import { SHARED_CLIENT_CAPABILITIES } from '../../protocol/shared/clientCapabilities.js';
import { byCodePoint } from '../../shared/compare.js';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { InstancePatch, JsonObject, Store } from '../../store/types.js';
import { IsolatedPool } from '../sessions/isolatedPool.js';
import { parseInput } from '../validation.js';
import { REQUEST_TIMEOUT_EXTENSION, type ServerSpec, serverSpecSchema } from './definition.js';
import { HttpRunner } from './httpRunner.js';
import { type Clock, Instance, type InstanceObserver } from './instance.js';
import type { Runner } from './runner.js';
import { type ServerLogSink, startStdioRunner } from './stdioRunner.js';
import type { ServerEntry } from './views.js';

export interface ServerLog extends ServerLogSink {
  close(): void;
}

export interface SupervisorDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
  random: () => number;
  parentEnv: NodeJS.ProcessEnv;
  clientInfo: { name: string; version: string };
  maxLineBytes: number;
  openLog(name: string): ServerLog;
  /** Told when each server's upstream becomes usable or goes away (the gateway listens). */
  observe?(name: string): InstanceObserver | undefined;
}

interface Managed extends ServerEntry {
  log: ServerLog;
  /** Store writes of this server, applied in order. */
  writes: Promise<unknown>;
}

export type Targets = { names: string[]; all: boolean };

/** Owns every server's instance: definitions in, state changes out to the store. */
export class Supervisor {
  private readonly servers = new Map<string, Managed>();

  constructor(private readonly deps: SupervisorDeps) {}

  /**
   * Loads definitions and ends processes a crashed daemon left behind (matched by
   * pid and kernel start time, so a reused pid is never killed).
   */
  async load(): Promise<void> {
    const { store, logger } = this.deps;
    const saved = new Map((await store.instances.list()).map((row) => [row.server, row]));
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
      if (!state) continue;
      managed.instance.restore(state);
      if (state.pid !== null && (await killOrphan(state.pid, state.pidStartTime, spec.policy.stopGraceMs))) {
        logger.warn({ server: row.name, serverPid: state.pid }, 'ended a server process left by an earlier daemon');
        this.event(managed, 'orphan-killed', `ended pid ${state.pid} left running by an earlier daemon`);
      }
      this.record(managed, { pid: null, pidStartTime: null, state: 'stopped', nextRestartAt: null });
    }
  }

  /** Starts what should run: servers with autostart, and those that were running. */
  async resume(): Promise<void> {
    const starts = [...this.servers.values()]
      .filter((managed) => managed.spec.autostart || managed.instance.desired === 'running')
      .map((managed) => managed.instance.start({ manual: false }));
    await Promise.all(starts);
  }

  list(): ServerEntry[] {
    return [...this.servers.values()].sort((a, b) => byCodePoint(a.spec.name, b.spec.name));
  }

  get(name: string): ServerEntry {
    const managed = this.servers.get(name);
    if (!managed) {
      throw new McpctlError('NOT_FOUND', `no server named '${name}'`, { hint: "list servers with 'mcpctl server ls'" });
    }
    return managed;
  }

  /** `wait: false` starts it (autostart) without waiting for the outcome of its first attempt. */
  async add(spec: ServerSpec, options: { wait?: boolean } = {}): Promise<ServerEntry> {
    // The daemon spawns it, so the daemon checks it can: its PATH and the filesystem it sees.
    if (spec.transport === 'stdio') assertLaunchable(spec, buildChildEnvironment(this.deps.parentEnv, spec.env));
    const stored = await this.deps.store.servers.insert({
      name: spec.name,
      transport: spec.transport,
      spec: spec as unknown as JsonObject,
    });
    const managed = this.manage(spec, stored.createdAt);
    this.event(managed, 'added', `${spec.name} added`);
    if (spec.autostart) await settleUnless(options.wait === false, managed.instance.start({ manual: true }));
    return managed;
  }

  async remove(name: string): Promise<void> {
    const managed = this.get(name) as Managed;
    await managed.instance.stop({ keepDesired: false });
    this.servers.delete(name);
    await managed.writes;
    await this.deps.store.servers.remove(name);
    managed.log.close();
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
      instance: undefined as unknown as Instance,
    };
    managed.instance = new Instance({
      name: spec.name,
      policy: spec.policy,
      createRunner: () => this.createRunner(spec, log),
      record: (patch) => this.record(managed, patch),
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
        requestTimeoutMs: spec.policy.requestTimeoutMs,
        requestTimeoutMaxMs: spec.policy.requestTimeoutMs * REQUEST_TIMEOUT_EXTENSION,
        logger: deps.logger.child({ server: spec.name }),
      }),
    );
  }

  private record(managed: Managed, patch: InstancePatch): void {
    const name = managed.spec.name;
    managed.writes = managed.writes
      .then(
        async (): Promise<unknown> =>
          this.servers.get(name) === managed && this.deps.store.instances.update(name, patch),
      )
      .catch((error: unknown) =>
        this.deps.logger.error({ server: name, err: (error as Error).message }, 'could not record state'),
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
