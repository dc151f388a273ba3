import type { Logger } from '../../shared/logger.js';
import type { InstancePatch, JsonObject, StoredInstance } from '../../store/types.js';
import type { EventType } from '../events/eventTypes.js';
import type { Policy } from './definition.js';
import { decideRestart, EMPTY_HISTORY, type FailureHistory } from './restartPolicy.js';
import { type EndInfo, mebibytes, type ProcessOverMemory, type Runner } from './runner.js';
import type { DesiredState, InstanceState } from './states.js';

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): NodeJS.Timeout;
  clearTimeout(timer: NodeJS.Timeout): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer),
};

/** An old runner a new one took over from (a rollover): it drains, then goes. */
export interface RunnerHandover {
  /** Resolves once nothing sent to the old runner waits for its answer. */
  readonly drained: Promise<void>;
  /** The old runner was stopped: what it still owed fails now. */
  abandon(reason: string): void;
}

/** Who wants to know when an upstream becomes usable and when it goes (the gateway). */
export interface InstanceObserver {
  ready(runner: Runner): void;
  /** A rollover: `next` (initialized) serves from now on; `previous` still answers what it has in flight. */
  handover?(next: Runner, previous: Runner): RunnerHandover;
  /** The server's policy was edited (request deadlines change on its shared upstream). */
  policyChanged?(policy: Policy): void;
  /** `final`: no restart follows (stopped, failed, removed); otherwise a new runner will come. */
  gone(reason: string, final: boolean): void;
}

export interface InstanceDeps {
  name: string;
  policy: Policy;
  createRunner(): Promise<Runner>;
  /** Persists a change of the instance's state; calls are applied in order. */
  record(patch: InstancePatch): void;
  /** The same, for what the user asked (desired state): resolves once durable, rejects when the write failed. */
  commit(patch: InstancePatch): Promise<void>;
  event(type: EventType, message: string, data?: JsonObject): void;
  clock: Clock;
  random: () => number;
  logger: Logger;
  observer?: InstanceObserver;
  /**
   * Runs one attempt (spawn until initialized or failed) when a slot is free: the supervisor bounds
   * how many servers start at once. Absent: at once.
   */
  admit?<T>(attempt: () => Promise<T>): Promise<T>;
}

const NOTHING_IN_FLIGHT: RunnerHandover = { drained: Promise.resolve(), abandon: () => {} };

/** States in which a caller waiting for `start` has its answer. */
const SETTLED: ReadonlySet<InstanceState> = new Set(['running', 'backoff', 'failed', 'stopped']);

/**
 * The lifecycle of one server: starting → running ⇄ unhealthy → backoff → failed,
 * driven by runner outcomes, health checks and the restart policy. Every state
 * change is recorded. A `generation` number ties callbacks to the attempt that
 * scheduled them, so a late exit or timer of an old attempt changes nothing.
 */
export class Instance {
  state: InstanceState = 'stopped';
  desired: DesiredState = 'stopped';
  restarts = 0;
  runner: Runner | undefined;
  runningSince: number | undefined;
  /**
   * Since when it has been down while it should run (starting, backoff, failed...), stored so that
   * a daemon restart keeps the clock: alerts' `down for` and `server show` measure from it.
   */
  downSince: number | undefined;
  nextRestartAt: number | undefined;
  lastExitCode: number | null = null;
  lastExitSignal: string | null = null;
  lastError: string | null = null;
  private history: FailureHistory = EMPTY_HISTORY;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private healthMisses = 0;
  private waiters: Array<() => void> = [];
  private stopping: Promise<void> | undefined;
  private policy: Policy;

  constructor(private readonly deps: InstanceDeps) {
    this.policy = deps.policy;
  }

  /**
   * A new policy (an edited server) applies at once, without a restart: the restart policy at the
   * next exit, start timeout and stop grace at the next start or stop, and a new health interval
   * from now (the next check is rescheduled).
   */
  applyPolicy(policy: Policy): void {
    const rescheduled = policy.healthIntervalMs !== this.policy.healthIntervalMs;
    this.policy = policy;
    this.runner?.applyPolicy?.(policy);
    this.deps.observer?.policyChanged?.(policy);
    if (rescheduled && this.state === 'running' && this.runner && this.timer) {
      this.cancelTimer();
      this.scheduleHealthCheck(this.generation);
    }
  }

  /**
   * A rollover: `next`, started and initialized beside the running process, becomes the
   * instance's runner at once, with its history (restarts, failures) kept. Returns the runner it
   * replaced, for the caller to stop once drained; undefined, taking nothing, when the instance is
   * no longer running (stopped or restarting meanwhile).
   */
  takeOver(next: Runner): { previous: Runner; handover: RunnerHandover } | undefined {
    const previous = this.runner;
    if (previous === undefined || this.state !== 'running' || this.stopping) return undefined;
    const generation = ++this.generation;
    this.cancelTimer();
    this.runner = next;
    this.healthMisses = 0;
    this.runningSince = this.deps.clock.now();
    this.transition('running', {
      pid: next.pid,
      pidStartTime: next.pidStartTime,
      startedAt: new Date(this.runningSince).toISOString(),
      lastError: null,
    });
    void next.ended.then((end) => {
      if (generation === this.generation) this.ended(end, generation);
    });
    const handover = this.deps.observer?.handover?.(next, previous) ?? NOTHING_IN_FLIGHT;
    this.scheduleHealthCheck(generation);
    return { previous, handover };
  }

  /**
   * Restores counters kept in the store from an earlier daemon run. A server that had
   * `failed` stays failed (the restart policy gave up on it) until the user starts it.
   */
  restore(saved: StoredInstance): void {
    this.restarts = saved.restarts;
    this.lastExitCode = saved.lastExitCode;
    this.lastExitSignal = saved.lastExitSignal;
    this.lastError = saved.lastError;
    this.desired = saved.desired === 'running' ? 'running' : 'stopped';
    this.state = saved.state === 'failed' ? 'failed' : 'stopped';
    const downSince = saved.downSince === null ? Number.NaN : Date.parse(saved.downSince);
    this.downSince = this.desired === 'running' && Number.isFinite(downSince) ? downSince : undefined;
  }

  /** The desired state the store already holds (written with the definition). */
  assumeDesired(desired: DesiredState): void {
    this.desired = desired;
  }

  /**
   * Starts the server unless it is already up; resolves when the first attempt
   * has an outcome (running, backoff or failed). A start by hand forgets earlier failures.
   * Rejects, changing nothing, when the store cannot record that it should run.
   */
  async start(options: { manual: boolean }): Promise<void> {
    if (this.stopping) await this.stopping;
    await this.commitDesired('running');
    if (options.manual) this.history = EMPTY_HISTORY;
    if (this.state === 'running' || this.state === 'unhealthy') return;
    // An attempt is under way (the daemon's own start, a restart due): its outcome is the answer.
    if (this.state === 'starting') return this.nextSettled();
    const settled = this.nextSettled();
    this.cancelTimer();
    void this.launch(++this.generation);
    await settled;
  }

  /**
   * Stops the server (its whole process group). `keepDesired` is for daemon shutdown: it
   * comes back next time, and a failed server stays failed. Rejects, changing nothing,
   * when the store cannot record that it should stay stopped.
   */
  async stop(options: { keepDesired: boolean }): Promise<void> {
    if (!options.keepDesired) await this.commitDesired('stopped');
    else if (this.state === 'failed' && !this.runner) return;
    this.stopping ??= this.stopNow(options.keepDesired).finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  async restart(): Promise<void> {
    await this.stop({ keepDesired: true });
    await this.start({ manual: true });
  }

  /** `holdDown`: a daemon shutdown, which is no downtime of the server's own (its clock is left as it is). */
  private async stopNow(holdDown: boolean): Promise<void> {
    this.generation++;
    // Nothing runs, nothing is due: nothing to stop, nor to write (`stop --all` over many servers).
    if (this.state === 'stopped' && !this.runner && !this.timer) return;
    this.cancelTimer();
    this.nextRestartAt = undefined;
    const runner = this.runner;
    this.runner = undefined;
    this.runningSince = undefined;
    if (runner) {
      this.transition('stopping', {}, holdDown);
      await runner.stop(this.policy.stopGraceMs);
    }
    // A stop that was asked for is no exit to report: LAST-EXIT shows '-', not our own SIGTERM.
    this.lastExitCode = null;
    this.lastExitSignal = null;
    const wasRunning = runner !== undefined || this.state !== 'stopped';
    this.deps.observer?.gone('the server was stopped', true);
    this.transition(
      'stopped',
      { pid: null, pidStartTime: null, lastExitCode: this.lastExitCode, lastExitSignal: this.lastExitSignal },
      holdDown,
    );
    if (wasRunning) this.deps.event('stopped', `${this.deps.name} stopped`);
  }

  private async launch(generation: number): Promise<void> {
    const { clock, admit } = this.deps;
    this.nextRestartAt = undefined;
    this.healthMisses = 0;
    this.transition('starting', {
      pid: null,
      pidStartTime: null,
      nextRestartAt: null,
      startedAt: new Date(clock.now()).toISOString(),
    });
    this.deps.event('starting', `${this.deps.name} starting`, { restarts: this.restarts });
    if (admit === undefined) return this.attempt(generation);
    // Waiting for a slot is 'starting' too; a stop meanwhile makes the attempt a no-op.
    return admit(() => (generation === this.generation ? this.attempt(generation) : Promise.resolve()));
  }

  private async attempt(generation: number): Promise<void> {
    const { clock } = this.deps;
    const { policy } = this;
    let runner: Runner;
    try {
      runner = await this.deps.createRunner();
    } catch (error) {
      if (generation === this.generation)
        this.ended({ exitCode: null, signal: null, reason: (error as Error).message }, generation, { imposed: true });
      return;
    }
    if (generation !== this.generation) {
      await runner.stop(policy.stopGraceMs);
      return;
    }
    this.runner = runner;
    this.deps.record({ pid: runner.pid, pidStartTime: runner.pidStartTime });
    void runner.ended.then((end) => {
      if (generation === this.generation) this.ended(end, generation);
    });
    try {
      await runner.ready(policy.startTimeoutMs);
    } catch (error) {
      if (generation !== this.generation) return;
      if (this.runner !== runner) {
        // Its exit was already handled (it died before answering): just make sure the group is gone.
        await runner.stop(policy.stopGraceMs);
        return;
      }
      this.generation++;
      this.runner = undefined;
      const end = await runner.stop(policy.stopGraceMs);
      this.ended({ ...end, reason: `initialize failed: ${(error as Error).message}` }, this.generation, {
        imposed: true,
      });
      return;
    }
    if (generation !== this.generation) return;
    this.runningSince = clock.now();
    this.transition('running', { lastError: null });
    this.deps.observer?.ready(runner);
    this.deps.event('running', `${this.deps.name} is running${runner.pid ? ` (pid ${runner.pid})` : ''}`, {
      serverPid: runner.pid,
    });
    this.scheduleHealthCheck(generation);
  }

  private scheduleHealthCheck(generation: number): void {
    const { clock } = this.deps;
    const { policy } = this;
    this.timer = clock.setTimeout(() => void this.checkHealth(generation), policy.healthIntervalMs);
  }

  private async checkHealth(generation: number): Promise<void> {
    const runner = this.runner;
    if (generation !== this.generation || !runner) return;
    const { policy } = this;
    if (this.overMemory(runner, generation)) return;
    try {
      await runner.ping(policy.healthTimeoutMs);
      this.healthMisses = 0;
    } catch (error) {
      if (generation !== this.generation) return;
      this.healthMisses++;
      this.deps.logger.warn(
        { server: this.deps.name, misses: this.healthMisses, err: (error as Error).message },
        'health check failed',
      );
      if (this.healthMisses >= policy.healthRetries) {
        await this.restartUnhealthy(runner, generation);
        return;
      }
    }
    if (generation === this.generation) this.scheduleHealthCheck(generation);
  }

  /**
   * `--max-memory`, sampled at each health check (no timer of its own): a process tree over it is
   * ended and restarted as a failure, so the restart policy (backoff, give up) applies.
   */
  private overMemory(runner: Runner, generation: number): boolean {
    const limit = this.policy.maxMemoryBytes;
    if (limit > 0 && runner.endOverMemory) {
      // Isolated: each process on its own; the server itself goes on running.
      for (const ended of runner.endOverMemory(limit)) this.processOverMemory(ended, limit);
      return false;
    }
    const used = limit > 0 ? runner.memoryBytes?.() : null;
    if (used == null || used <= limit) return false;
    const reason = `its processes used ${mebibytes(used)} of memory, over its limit of ${mebibytes(limit)} (--max-memory)`;
    void this.restartImposed(runner, generation, reason, {
      type: 'memory-exceeded',
      message: `${this.deps.name} exceeded its memory limit: ${reason}; restarting it`,
      data: { rssBytes: used, maxMemoryBytes: limit },
    });
    return true;
  }

  private processOverMemory(ended: ProcessOverMemory, limit: number): void {
    const where = ended.sessionId === null ? 'a warm process' : `the process of session ${ended.sessionId}`;
    const outcome = ended.sessionId === null ? 'replacing it' : 'ended it and its session';
    this.deps.event(
      'memory-exceeded',
      `${this.deps.name} exceeded its memory limit in ${where} (pid ${ended.pid}): it used ${mebibytes(ended.rssBytes)} of memory, over its limit of ${mebibytes(limit)} (--max-memory); ${outcome}`,
      { session: ended.sessionId, serverPid: ended.pid, rssBytes: ended.rssBytes, maxMemoryBytes: limit },
    );
  }

  private restartUnhealthy(runner: Runner, generation: number): Promise<void> {
    const reason = `${this.healthMisses} health checks in a row failed`;
    return this.restartImposed(runner, generation, reason, {
      type: 'unhealthy',
      message: `${this.deps.name} is unhealthy: ${reason}; restarting it`,
    });
  }

  private async restartImposed(
    runner: Runner,
    generation: number,
    reason: string,
    event: { type: EventType; message: string; data?: JsonObject },
  ): Promise<void> {
    this.generation++;
    this.transition('unhealthy', { lastError: reason });
    this.deps.event(event.type, event.message, event.data);
    const healthyFor = this.healthyFor();
    this.runner = undefined;
    const end = await runner.stop(this.policy.stopGraceMs);
    if (generation + 1 !== this.generation) return;
    // Whatever its exit code: we killed it for a fault (no answers, too much memory), so it is a failure.
    this.ended({ ...end, reason }, this.generation, { imposed: true, healthyFor });
  }

  private healthyFor(): number {
    return this.runningSince === undefined ? 0 : this.deps.clock.now() - this.runningSince;
  }

  /**
   * The attempt of `generation` is over: decide between backoff, failed and stopped.
   * `imposed`: the daemon ended it for a fault (failed handshake or health checks), which
   * is a failure whatever the exit code. So is an exit before it ever answered initialize.
   */
  private ended(end: EndInfo, generation: number, options: { imposed?: boolean; healthyFor?: number } = {}): void {
    const { clock } = this.deps;
    const { policy } = this;
    const healthyFor = options.healthyFor ?? this.healthyFor();
    const reachedRunning = this.runningSince !== undefined;
    this.cancelTimer();
    this.runner = undefined;
    this.runningSince = undefined;
    this.lastExitCode = end.exitCode;
    this.lastExitSignal = end.signal;
    const clean = !options.imposed && reachedRunning && end.exitCode === 0 && end.signal === null;
    const decision = decideRestart({
      policy,
      history: this.history,
      exit: clean ? 'clean' : 'failure',
      now: clock.now(),
      healthyForMs: healthyFor,
      random: this.deps.random,
    });
    this.history = decision.history;
    this.deps.observer?.gone(end.reason, decision.action !== 'restart');
    const exitFields = {
      pid: null,
      pidStartTime: null,
      lastExitCode: end.exitCode,
      lastExitSignal: end.signal,
      lastError: clean ? null : end.reason,
    };
    if (!clean) {
      this.lastError = end.reason;
      this.deps.event('crashed', `${this.deps.name} crashed: ${end.reason}`, {
        exitCode: end.exitCode,
        signal: end.signal,
      });
    } else if (decision.action === 'restart') this.deps.event('exited', `${this.deps.name} exited: ${end.reason}`);
    if (decision.action === 'restart') {
      this.nextRestartAt = clock.now() + decision.delayMs;
      this.transition('backoff', { ...exitFields, nextRestartAt: new Date(this.nextRestartAt).toISOString() });
      this.deps.event('backoff', `${this.deps.name}: ${end.reason}; restarting in ${decision.delayMs} ms`, {
        delayMs: decision.delayMs,
      });
      this.timer = clock.setTimeout(() => {
        if (generation !== this.generation) return;
        this.restarts++;
        this.deps.record({ restarts: this.restarts });
        void this.launch(++this.generation);
      }, decision.delayMs);
      return;
    }
    if (decision.action === 'give-up') {
      const failures = decision.history.failures.length;
      this.transition('failed', { ...exitFields, nextRestartAt: null });
      this.deps.event(
        'failed',
        `${this.deps.name} failed ${failures} times within ${policy.restartWindowMs / 1000} s: gave up (last: ${end.reason})`,
      );
      return;
    }
    this.transition(clean ? 'stopped' : 'failed', { ...exitFields, nextRestartAt: null });
    this.deps.event(
      clean ? 'exited' : 'failed',
      `${this.deps.name}: ${end.reason}; restart policy '${policy.restart}' leaves it down`,
    );
  }

  private transition(state: InstanceState, patch: InstancePatch, holdDown = false): void {
    this.state = state;
    this.deps.record({ ...patch, ...(holdDown ? {} : this.downPatch()), state });
    if (!SETTLED.has(state)) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private nextSettled(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The down clock follows the state: started when it is not up while it should be, cleared when it is up. */
  private downPatch(): InstancePatch {
    const down = this.desired === 'running' && this.state !== 'running' && this.state !== 'unhealthy';
    if (down === (this.downSince !== undefined)) return {};
    this.downSince = down ? this.deps.clock.now() : undefined;
    return { downSince: this.downSince === undefined ? null : new Date(this.downSince).toISOString() };
  }

  /** Write first, then act: the desired state changes in memory only once the store holds it. */
  private async commitDesired(desired: DesiredState): Promise<void> {
    if (this.desired === desired) return;
    // Stopped on purpose is not down, even where no stop follows (a server not yet started).
    const clear = desired === 'stopped' && this.downSince !== undefined;
    await this.deps.commit({ desired, ...(clear ? { downSince: null } : {}) });
    this.desired = desired;
    if (clear) this.downSince = undefined;
  }

  private cancelTimer(): void {
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
