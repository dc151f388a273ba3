import type { Logger } from '../../shared/logger.js';
import type { StoredEvent } from '../../store/types.js';
import type { EventHub } from '../events/eventHub.js';
import type { AlertNotice, Delivery, Notifier } from './notifiers.js';
import { parseNotifyTarget } from './notifyTarget.js';
import type { AlertRule } from './rule.js';
import { type Condition, compare, parseCondition } from './ruleGrammar.js';

/** A server as the rules see it. */
export interface ServerSample {
  name: string;
  state: string;
  desired: string;
  pid: number | null;
  /** Since when (epoch ms) it has been down while it should run; null while it is not. Survives daemon restarts. */
  downSince: number | null;
}

/** Calls to one server over a window: what error-rate and p95 rules judge. */
export interface CallWindow {
  calls: number;
  errors: number;
  /** null when there was no call in the window. */
  p95Ms: number | null;
}

/**
 * Per-server call counters with latency windows (the metrics module's). Without it, error-rate
 * and p95 rules never hold (`alert ls` says so).
 */
export interface CallStats {
  window(server: string, windowMs: number): CallWindow | undefined;
}

export interface AlertSources {
  servers(): ServerSample[];
  /** Open gateway sessions of a server. */
  sessions(server: string): number;
  /** Resident memory of the process (group) `pid`; null when it cannot be known here. */
  memoryBytes(pid: number): number | null;
  callStats?: CallStats;
}

export type RuleSource = 'config' | 'cli';

export interface AlertStatus {
  rule: AlertRule;
  source: RuleSource;
  state: 'ok' | 'firing';
  since: string | null;
  servers: string[];
}

export interface AlertEngineDeps {
  events: EventHub;
  sources: AlertSources;
  notifier: Notifier;
  logger: Logger;
  intervalMs: number;
  now?: () => number;
}

interface Watched {
  rule: AlertRule;
  source: RuleSource;
  condition: Condition;
  state: 'ok' | 'firing';
  since: number | null;
  servers: string[];
}

/** Events after which a rule may change at once, not at the next tick. */
const PROMPT_TYPES = new Set([
  'backoff',
  'crashed',
  'failed',
  'running',
  'stopped',
  'session-opened',
  'session-closed',
]);
const DAY_MS = 86_400_000;

function windowOf(condition: Condition): number {
  return 'windowMs' in condition ? condition.windowMs : 0;
}

/**
 * Watches the rules: each fires once when its condition starts holding (for one server or more)
 * and resolves once when it holds for none; both are events, and every notifier of the rule is
 * told without the engine waiting for it. Restarts are counted from `backoff` events (each one
 * schedules an automatic restart), read back from the store at start so a daemon restart forgets none.
 */
export class AlertEngine {
  private watched = new Map<string, Watched>();
  private readonly restartTimes = new Map<string, number[]>();
  private timer: NodeJS.Timeout | undefined;
  private pending = false;
  private unsubscribe: (() => void) | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: AlertEngineDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Loads the rules and what earlier daemons recorded (restarts, alerts still firing), then watches. */
  async start(rules: ReadonlyArray<{ rule: AlertRule; source: RuleSource }>): Promise<void> {
    this.unsubscribe = this.deps.events.subscribe((event) => this.observe(event));
    this.setRules(rules);
    const since = new Date(this.now() - this.longestWindow()).toISOString();
    for (const event of await this.deps.events.query({ types: ['backoff'], since, limit: 10_000 })) {
      this.countRestart(event);
    }
    for (const event of await this.deps.events.query({ types: ['alert-fired', 'alert-resolved'], limit: 10_000 })) {
      const watched = this.watched.get(String(event.data?.alert));
      if (!watched) continue;
      const firing = event.type === 'alert-fired';
      watched.state = firing ? 'firing' : 'ok';
      watched.since = firing ? Date.parse(event.time) : null;
      watched.servers = firing && Array.isArray(event.data?.servers) ? (event.data.servers as string[]) : [];
    }
    this.timer = setInterval(() => this.evaluate(), this.deps.intervalMs);
    this.timer.unref();
    this.evaluate();
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /** Replaces the rules (an add or rm); a rule kept by name keeps its state. */
  setRules(rules: ReadonlyArray<{ rule: AlertRule; source: RuleSource }>): void {
    const next = new Map<string, Watched>();
    for (const { rule, source } of rules) {
      const previous = this.watched.get(rule.name);
      const same = previous !== undefined && previous.rule.when === rule.when && previous.rule.server === rule.server;
      next.set(rule.name, {
        rule,
        source,
        condition: parseCondition(rule.when),
        state: same ? previous.state : 'ok',
        since: same ? previous.since : null,
        servers: same ? previous.servers : [],
      });
    }
    this.watched = next;
    this.soon();
  }

  list(): AlertStatus[] {
    return [...this.watched.values()].map((watched) => ({
      rule: watched.rule,
      source: watched.source,
      state: watched.state,
      since: watched.since === null ? null : new Date(watched.since).toISOString(),
      servers: watched.servers,
    }));
  }

  /** Sends a test notice through every notifier of the rule and waits for each outcome. */
  async test(rule: AlertRule): Promise<Delivery[]> {
    const notice: AlertNotice = {
      alert: rule.name,
      status: 'test',
      when: rule.when,
      server: rule.server ?? null,
      servers: [],
      message: `test of alert ${rule.name} (${rule.when})`,
      time: new Date(this.now()).toISOString(),
      since: null,
    };
    return Promise.all(rule.notify.map((text) => this.deps.notifier.deliver(parseNotifyTarget(text), notice)));
  }

  private observe(event: StoredEvent): void {
    if (event.type === 'backoff') this.countRestart(event);
    if (PROMPT_TYPES.has(event.type)) this.soon();
  }

  private countRestart(event: StoredEvent): void {
    if (event.server === null) return;
    const times = this.restartTimes.get(event.server) ?? [];
    times.push(Date.parse(event.time));
    this.restartTimes.set(event.server, times);
  }

  /** One evaluation after the current burst of events (a crash writes several). */
  private soon(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.evaluate();
    });
  }

  private longestWindow(): number {
    let longest = 0;
    for (const watched of this.watched.values()) longest = Math.max(longest, windowOf(watched.condition));
    return Math.min(longest, DAY_MS);
  }

  evaluate(): void {
    const now = this.now();
    const servers = this.deps.sources.servers();
    this.track(servers, now);
    for (const watched of this.watched.values()) {
      const candidates = servers.filter(
        (server) => watched.rule.server === undefined || server.name === watched.rule.server,
      );
      const holding = candidates.filter((server) => this.holds(watched.condition, server, now)).map((s) => s.name);
      if (watched.state === 'ok' && holding.length > 0) this.transition(watched, 'firing', holding, now);
      else if (watched.state === 'firing' && holding.length === 0) this.transition(watched, 'ok', [], now);
      else if (watched.state === 'firing') watched.servers = holding;
    }
  }

  /** Restart times older than every window dropped. */
  private track(servers: readonly ServerSample[], now: number): void {
    const names = new Set(servers.map((server) => server.name));
    const oldest = now - this.longestWindow();
    for (const [name, times] of this.restartTimes) {
      const kept = times.filter((time) => time >= oldest);
      if (kept.length === 0 || !names.has(name)) this.restartTimes.delete(name);
      else this.restartTimes.set(name, kept);
    }
  }

  private holds(condition: Condition, server: ServerSample, now: number): boolean {
    const { sources } = this.deps;
    switch (condition.metric) {
      case 'restarts': {
        const times = this.restartTimes.get(server.name) ?? [];
        const count = times.filter((time) => time > now - condition.windowMs).length;
        return compare(count, condition.op, condition.count);
      }
      case 'down':
        return server.downSince !== null && now - server.downSince >= condition.forMs;
      case 'error-rate': {
        const stats = sources.callStats?.window(server.name, condition.windowMs);
        return (
          stats !== undefined && stats.calls > 0 && compare(stats.errors / stats.calls, condition.op, condition.ratio)
        );
      }
      case 'p95': {
        const p95 = sources.callStats?.window(server.name, condition.windowMs)?.p95Ms;
        return p95 !== undefined && p95 !== null && compare(p95, condition.op, condition.ms);
      }
      case 'memory': {
        const bytes = server.pid === null ? null : sources.memoryBytes(server.pid);
        return bytes !== null && compare(bytes, condition.op, condition.bytes);
      }
      case 'sessions':
        return compare(sources.sessions(server.name), condition.op, condition.count);
    }
  }

  private transition(watched: Watched, state: 'ok' | 'firing', servers: string[], now: number): void {
    const { rule } = watched;
    const firing = state === 'firing';
    const since = watched.since;
    watched.state = state;
    watched.since = firing ? now : null;
    watched.servers = servers;
    const message = firing
      ? `alert ${rule.name} fired: ${rule.when} (${servers.join(', ')})`
      : `alert ${rule.name} resolved: ${rule.when} no longer holds`;
    const notice: AlertNotice = {
      alert: rule.name,
      status: firing ? 'firing' : 'resolved',
      when: rule.when,
      server: rule.server ?? null,
      servers,
      message,
      time: new Date(now).toISOString(),
      since: new Date(firing ? now : (since ?? now)).toISOString(),
    };
    const { events, notifier, logger } = this.deps;
    logger.info({ alert: rule.name, status: notice.status, servers }, message);
    void events
      .append({
        // Without a server row (it may be gone): `events --server` finds it by data.server.
        server: null,
        type: firing ? 'alert-fired' : 'alert-resolved',
        message,
        data: {
          alert: rule.name,
          when: rule.when,
          servers,
          ...(rule.server === undefined ? {} : { server: rule.server }),
        },
      })
      .catch((error: unknown) =>
        logger.error({ alert: rule.name, err: (error as Error).message }, 'could not record event'),
      );
    // Never awaited: a slow or failing notifier holds nothing up (each is bounded by its timeouts).
    for (const text of rule.notify) void notifier.deliver(parseNotifyTarget(text), notice);
  }
}
