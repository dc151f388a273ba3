import type { Logger } from '../../shared/logger.js';
import type { JsonObject, NodeRepository } from '../../store/types.js';

/** How often a node says it is alive, and how old its last heartbeat may be for it to count as live. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const NODE_LIVE_TTL_MS = 3 * HEARTBEAT_INTERVAL_MS;

export interface NodeLoad extends JsonObject {
  serversRunning: number;
  sessionsOpen: number;
}

export interface NodeHeartbeatOptions {
  nodes: NodeRepository;
  name: string;
  version: string;
  load(): NodeLoad;
  /** This node's TLS listener as the others dial it, once it listens (undefined before, or without one). */
  advertised?: () => { url: string; fingerprint: string } | undefined;
  logger: Logger;
  intervalMs?: number;
}

/**
 * The node's row in the store, refreshed every few seconds. Never fatal: a failed beat is logged
 * once (then again only after one succeeded) and simply retried at the next tick, so a store
 * that is away for a while costs the node its liveness in others' eyes, nothing more.
 */
export class NodeHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private beating: Promise<void> = Promise.resolve();

  constructor(private readonly options: NodeHeartbeatOptions) {}

  /** Resolves after the first beat (succeeded or not): `node ls` right after start-up lists this node. */
  async start(): Promise<void> {
    await this.beat();
    // unref'd: the heartbeat alone must never keep a stopping daemon alive.
    this.timer = setInterval(() => {
      this.beating = this.beat();
    }, this.options.intervalMs ?? HEARTBEAT_INTERVAL_MS).unref();
  }

  /** Beats now (the listener just started: the others need its URL before the next tick). */
  async beatNow(): Promise<void> {
    await this.beating;
    this.beating = this.beat();
    await this.beating;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
  }

  private async beat(): Promise<void> {
    const { nodes, name, version, logger } = this.options;
    try {
      const where = this.options.advertised?.();
      await nodes.heartbeat({
        name,
        version,
        load: this.options.load(),
        url: where?.url ?? null,
        fingerprint: where?.fingerprint ?? null,
      });
      if (this.failing) logger.info({ node: name }, 'node heartbeat written again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) logger.warn({ node: name, err: (error as Error).message }, 'node heartbeat failed: retrying');
      this.failing = true;
    }
  }
}
