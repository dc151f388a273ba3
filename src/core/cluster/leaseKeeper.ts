import type { Logger } from '../../shared/logger.js';
import type { LeaseRepository, NodeRepository, StoredInstance, StoredLease } from '../../store/types.js';
import type { ServerSpec } from '../servers/definition.js';
import type { Clock } from '../servers/instance.js';
import type { DesiredState } from '../servers/states.js';
import type { Placement } from '../servers/supervisor.js';
import { NODE_LIVE_TTL_MS } from './heartbeat.js';
import {
  nodesRunning,
  parseSlotResource,
  rendezvousOrder,
  replicasOf,
  slotHolders,
  slotResource,
} from './placement.js';

/** Instance states in which a node's instance serves. */
const SERVING = new Set(['running', 'unhealthy']);

/** The lease TTL when `cluster.leaseTtl` is not set: a dead node's servers move within it. */
export const DEFAULT_LEASE_TTL_MS = 15_000;

export interface LeaseKeeperDeps {
  store: {
    leases: LeaseRepository;
    nodes: Pick<NodeRepository, 'list'>;
    instances: {
      list(): Promise<StoredInstance[]>;
      setDesiredEverywhere(server: string, desired: string): Promise<number>;
    };
  };
  /** This node's name: the holder of its leases. */
  node: string;
  ttlMs: number;
  /** The definitions this node knows now. */
  servers(): readonly ServerSpec[];
  /** Starts (`run`) or stops this node's instance of a server: the Supervisor's `placed`. */
  place(name: string, run: boolean): Promise<void>;
  /** The cluster's desired state of a server, as the store says it each round (another node's start or stop). */
  desired?(name: string, desired: DesiredState): void;
  clock: Clock;
  logger: Logger;
  /** How old a node's heartbeat may be for it to count as live here (NODE_LIVE_TTL_MS by default). */
  liveTtlMs?: number;
}

interface HeldSlot {
  slot: number;
  /** When the request of the last renewal that succeeded was sent (this node's clock). */
  renewedAt: number;
  /** Stops the instance when no renewal succeeded by renewedAt + ttl/2. */
  deadline: NodeJS.Timeout | undefined;
}

/**
 * Holds this node's share of the servers' lease slots on a shared store and runs exactly the
 * servers it holds one of (plus `replicas: all` ones). Renews every ttl/3; a slot whose renewal
 * has not succeeded by ttl/2 after the last good one has its instance stopped (fencing: the lease
 * only expires at ttl, by the database's clock, so it is stopped before any node can take it),
 * unless no other node was live at the last good read (a lone daemon rides out a store outage).
 * Free slots go first to the node rendezvous hashing prefers, to others after one renew interval,
 * so servers spread over the nodes and a dead preferred node is replaced within the TTL.
 */
export class LeaseKeeper implements Placement {
  private readonly held = new Map<string, HeldSlot>();
  /** Servers whose instance this node runs now (as far as placement goes). */
  private readonly running = new Set<string>();
  /** Since when this node has seen a free slot of a server it is not preferred for. */
  private readonly freeSince = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private pending = false;
  private stopped = false;
  private failing = false;
  /** No other node was live at the last round that read the store: nobody could take a lease over. */
  private alone = false;

  constructor(private readonly deps: LeaseKeeperDeps) {}

  get renewIntervalMs(): number {
    return Math.max(1, Math.floor(this.deps.ttlMs / 3));
  }

  /** Resolves after the first round: what this node should run is started (not awaited). */
  async start(): Promise<void> {
    await this.kick();
    this.timer = setInterval(() => void this.kick(), this.renewIntervalMs).unref();
  }

  runsHere(name: string): boolean {
    return this.running.has(name);
  }

  async desiredChanged(names: readonly string[], desired: DesiredState): Promise<void> {
    for (const name of names) await this.deps.store.instances.setDesiredEverywhere(name, desired);
    await this.kick();
  }

  /** One round now (after the one under way): gains, renews and gives up slots. */
  kick(): Promise<void> {
    if (this.stopped) return this.round;
    if (this.pending) return this.round;
    this.pending = true;
    // Never rejects: a round is kicked from a timer, where a rejection would end the daemon.
    this.round = this.round
      .then(async () => {
        this.pending = false;
        if (!this.stopped) await this.tick();
      })
      .catch((error: unknown) => {
        this.deps.logger.error({ err: (error as Error).message }, 'placement round failed: the next one tries again');
      });
    return this.round;
  }

  /**
   * The node leaves (drain): no more rounds, its instances stopped, then its leases released so
   * another node takes them at once instead of after the TTL.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
    const names = [...this.running];
    await Promise.all(names.map((name) => this.setRunning(name, false)));
    await Promise.all(
      [...this.held].map(async ([name, held]) => {
        clearTimeout(held.deadline);
        this.held.delete(name);
        await this.deps.store.leases
          .release(slotResource(name, held.slot), this.deps.node)
          .catch((error: unknown) =>
            this.deps.logger.warn({ server: name, err: (error as Error).message }, 'could not release a lease'),
          );
      }),
    );
  }

  /**
   * Where each server runs now, by the store: the nodes placement gives it (live slot holders,
   * every live node for `all`) whose own instance row says it serves.
   */
  async whereRunning(): Promise<Map<string, string[]>> {
    const { store } = this.deps;
    const [leases, live, rows] = await Promise.all([store.leases.list(), this.liveNodes(), store.instances.list()]);
    const serving = new Set(rows.filter((row) => SERVING.has(row.state)).map((row) => `${row.server}\0${row.node}`));
    return new Map(
      this.deps
        .servers()
        .map((spec) => [
          spec.name,
          nodesRunning(spec, leases, live).filter((node) => serving.has(`${spec.name}\0${node}`)),
        ]),
    );
  }

  private async liveNodes(): Promise<string[]> {
    const nodes = await this.deps.store.nodes.list(this.deps.liveTtlMs ?? NODE_LIVE_TTL_MS);
    const live = nodes.filter((node) => node.live).map((node) => node.name);
    return live.includes(this.deps.node) ? live : [...live, this.deps.node];
  }

  private async tick(): Promise<void> {
    const { store, logger } = this.deps;
    let leases: StoredLease[];
    let live: string[];
    let rows: StoredInstance[];
    try {
      [leases, live, rows] = await Promise.all([store.leases.list(), this.liveNodes(), store.instances.list()]);
      this.alone = live.every((node) => node === this.deps.node);
      if (this.failing) logger.info({ node: this.deps.node }, 'placement reads the store again');
      this.failing = false;
    } catch (error) {
      // The deadlines stop what can no longer be renewed; the next round tries again.
      if (!this.failing) logger.warn({ err: (error as Error).message }, 'placement could not read the store: retrying');
      this.failing = true;
      return;
    }
    const specs = this.deps.servers();
    const known = new Set(specs.map((spec) => spec.name));
    for (const name of [...this.held.keys()]) {
      if (known.has(name)) continue;
      // A removed server: stopped here at once; a release that fails leaves its lease to expire.
      await this.giveUp(name).catch((error: unknown) => {
        logger.warn({ server: name, err: (error as Error).message }, 'could not release the lease of a removed server');
      });
    }
    for (const name of [...this.running]) if (!known.has(name)) this.running.delete(name);
    for (const spec of specs) {
      const wanted = wantedByCluster(spec, rows);
      this.deps.desired?.(spec.name, wanted ? 'running' : 'stopped');
      try {
        await this.placeOne(spec, wanted, leases, live);
      } catch (error) {
        logger.warn({ server: spec.name, err: (error as Error).message }, 'placement round failed for a server');
      }
    }
  }

  private async placeOne(spec: ServerSpec, wanted: boolean, leases: StoredLease[], live: string[]): Promise<void> {
    const { name } = spec;
    const replicas = replicasOf(spec);
    const mine = this.held.get(name);
    if (replicas === 'all' || !wanted || (mine !== undefined && mine.slot >= replicas)) {
      if (mine !== undefined) await this.giveUp(name);
      this.freeSince.delete(name);
      this.setRunning(name, replicas === 'all' && wanted);
      return;
    }
    if (mine !== undefined) {
      await this.acquire(name, mine.slot);
      return;
    }
    const holders = slotHolders(name, replicas, leases);
    const free: number[] = [];
    for (let slot = 0; slot < replicas; slot++) {
      const holder = holders.get(slot);
      // A live slot of ours that this process does not know of: a restart under the same name.
      if (holder === undefined || holder === this.deps.node) free.push(slot);
    }
    if (free.length === 0) {
      this.freeSince.delete(name);
      return;
    }
    const taken = new Set(holders.values());
    // A node that just gave up a slot of it (a drain's release, a dead node's expiry) is not
    // preferred for it: the others take it at their next round, without waiting the grace.
    // Alone (a restarted single node), the former holder is the only one there is: it takes it back at once.
    const open = live.filter((node) => !taken.has(node) || node === this.deps.node);
    const former = formerHolders(name, replicas, leases);
    const fresh = open.filter((node) => !former.has(node));
    const candidates = rendezvousOrder(name, fresh.length > 0 ? fresh : open);
    const preferred = candidates.indexOf(this.deps.node) < free.length;
    const now = this.deps.clock.now();
    const since = this.freeSince.get(name) ?? now;
    this.freeSince.set(name, since);
    if (!preferred && now - since < this.renewIntervalMs) return;
    for (const slot of free) {
      if (await this.acquire(name, slot)) {
        this.freeSince.delete(name);
        return;
      }
    }
  }

  /** Takes or renews `slot`; true when this node holds it now. Runs the instance while it does. */
  private async acquire(name: string, slot: number): Promise<boolean> {
    const sentAt = this.deps.clock.now();
    const grant = await this.deps.store.leases.acquire(slotResource(name, slot), this.deps.node, this.deps.ttlMs);
    const previous = this.held.get(name);
    if (!grant.held) {
      if (previous !== undefined && previous.slot === slot) {
        clearTimeout(previous.deadline);
        this.held.delete(name);
        this.deps.logger.warn({ server: name, holder: grant.holder }, 'lost its lease: stopping it here');
        this.setRunning(name, false);
      }
      return false;
    }
    if (previous !== undefined) clearTimeout(previous.deadline);
    const held: HeldSlot = { slot, renewedAt: sentAt, deadline: undefined };
    this.held.set(name, held);
    this.armDeadline(name, held);
    // Past its deadline a late renewal does not restart it: nothing may run on an uncertain lease.
    if (this.deps.clock.now() - sentAt < this.deps.ttlMs / 2) this.setRunning(name, true);
    return true;
  }

  private armDeadline(name: string, held: HeldSlot): void {
    const delay = held.renewedAt + this.deps.ttlMs / 2 - this.deps.clock.now();
    held.deadline = this.deps.clock.setTimeout(
      () => {
        if (this.held.get(name) !== held) return;
        // Alone, an outage of the store is no reason to stop: there is no other node to start it.
        // A node that joins meanwhile still waits for the lease to expire, and this one stops the
        // moment a renewal says another node holds it.
        if (this.alone) return;
        this.deps.logger.warn(
          { server: name, ttlMs: this.deps.ttlMs },
          'lease not renewed by half its TTL: stopping it here',
        );
        this.setRunning(name, false);
      },
      Math.max(0, delay),
    );
    held.deadline.unref?.();
  }

  private async giveUp(name: string): Promise<void> {
    const held = this.held.get(name);
    if (held === undefined) return;
    clearTimeout(held.deadline);
    this.held.delete(name);
    // Stopped first: the next holder may start it the moment the lease is free.
    await this.setRunning(name, false);
    await this.deps.store.leases.release(slotResource(name, held.slot), this.deps.node);
  }

  /**
   * Tells the Supervisor when this node's part changes. A start is not awaited (a round must not
   * wait on a server's start-up); a stop is, where fencing needs it done before a release.
   */
  private setRunning(name: string, run: boolean): Promise<void> {
    if (this.running.has(name) === run) return Promise.resolve();
    if (run) this.running.add(name);
    else this.running.delete(name);
    const placed = this.deps
      .place(name, run)
      .catch((error: unknown) =>
        this.deps.logger.error({ server: name, err: (error as Error).message }, 'placement could not start or stop it'),
      );
    return run ? Promise.resolve() : placed;
  }
}

/**
 * Whether the cluster wants `spec` to run: a user's start or stop writes every node's row
 * (InstanceRepository.setDesiredEverywhere), so any row saying `running` says so; a server no
 * node has a row of yet runs when it autostarts.
 */
export function wantedByCluster(spec: ServerSpec, rows: readonly StoredInstance[]): boolean {
  const own = rows.filter((row) => row.server === spec.name);
  if (own.length === 0) return spec.autostart;
  return own.some((row) => row.desired === 'running');
}

/** The holders of `server`'s slots whose lease has expired or was released. */
function formerHolders(server: string, replicas: number, leases: readonly StoredLease[]): Set<string> {
  const former = new Set<string>();
  for (const lease of leases) {
    const parsed = parseSlotResource(lease.resource);
    if (!lease.live && parsed?.server === server && parsed.slot < replicas) former.add(lease.holder);
  }
  return former;
}
