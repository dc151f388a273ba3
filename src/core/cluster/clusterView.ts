import type { Logger } from '../../shared/logger.js';
import type { Store, StoredLease, StoredNode } from '../../store/types.js';
import { HEARTBEAT_INTERVAL_MS, NODE_LIVE_TTL_MS } from './heartbeat.js';

/**
 * The cluster's nodes and leases as this node last read them, refreshed at the heartbeat's pace
 * and on demand (a session owned by a node it has not seen yet): the gateway asks it
 * synchronously, never the store, when it decides where a request goes.
 */
export class ClusterView {
  private nodes = new Map<string, StoredNode>();
  private leaseList: StoredLease[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private failing = false;

  constructor(private readonly options: { store: Store; self: string; logger: Logger; intervalMs?: number }) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs ?? HEARTBEAT_INTERVAL_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the nodes and leases again (one read at a time: callers meanwhile share it). */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  node(name: string): StoredNode | undefined {
    return this.nodes.get(name);
  }

  /** Live nodes by name, this one always among them (its own heartbeat may lag; it is alive). */
  liveNodes(): string[] {
    const live = [...this.nodes.values()].filter((node) => node.live).map((node) => node.name);
    return live.includes(this.options.self) ? live : [...live, this.options.self].sort();
  }

  leases(): readonly StoredLease[] {
    return this.leaseList;
  }

  private async read(): Promise<void> {
    const { store, logger } = this.options;
    try {
      const [nodes, leases] = await Promise.all([store.nodes.list(NODE_LIVE_TTL_MS), store.leases.list()]);
      this.nodes = new Map(nodes.map((node) => [node.name, node]));
      this.leaseList = leases;
      this.failing = false;
    } catch (error) {
      // Kept as last read: a store away for a while must not make every other node look dead.
      if (!this.failing) logger.warn({ err: (error as Error).message }, 'could not read the cluster nodes: retrying');
      this.failing = true;
    }
  }
}
