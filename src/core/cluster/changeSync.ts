import type { Logger } from '../../shared/logger.js';
import type { ChangeFeed, ChangeKind, Store, StoreChange, StoredServer } from '../../store/types.js';
import { type ServerSpec, serverSpecSchema } from '../servers/definition.js';
import { parseInput } from '../validation.js';

/** What this node holds in memory of the shared store, and the local code path that changes each. */
export interface ChangeTargets {
  servers: {
    list(): ReadonlyArray<{ spec: ServerSpec }>;
    adoptStored(spec: ServerSpec, createdAt: string): Promise<void>;
    forgetStored(name: string): Promise<void>;
  };
  profiles: {
    list(): ReadonlyArray<{ spec: { name: string } }>;
    adoptStored(name: string): Promise<void>;
    adoptStoredCurrent(): Promise<void>;
  };
  tokens: { reload(): Promise<void> };
  alerts: { reload(): Promise<void> };
}

export interface ChangeSyncDeps {
  feed: ChangeFeed;
  store: Store;
  targets: ChangeTargets;
  logger: Logger;
}

/**
 * Applies the other nodes' changes (the store's change feed) to this node's memory, each through
 * the code path a local change takes: servers adopted or forgotten by the supervisor, profiles and
 * the current profile by the registry, tokens and alert rules read again. Every apply reads the
 * store's row as it is now, so a late or repeated notification changes nothing more. Changes of one
 * object apply in order, one at a time; different objects do not wait for each other (a token
 * revocation never waits behind a server's rollover), but a profile waits for the server changes
 * heard before it. Secrets need nothing: every spawn reads them.
 * After the feed (re)connects, everything is read again.
 */
export class ChangeSync {
  private readonly queues = new Map<string, Promise<void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: ChangeSyncDeps) {}

  start(): void {
    this.unsubscribe ??= this.deps.feed.subscribe({
      change: (change) => this.heard(change),
      resync: () => void this.resync(),
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private heard(change: StoreChange): void {
    this.deps.logger.debug({ change }, 'a change from another node');
    if (change.op === 'reload') {
      void this.reloadKind(change.kind);
      return;
    }
    this.enqueue(change.kind, change.name, () => this.apply(change.kind, change.name));
  }

  private apply(kind: ChangeKind, name: string): Promise<void> {
    const { targets, store } = this.deps;
    switch (kind) {
      case 'server':
        return store.servers.get(name).then((row) => this.applyServer(name, row));
      case 'profile':
        return targets.profiles.adoptStored(name);
      case 'current-profile':
        return targets.profiles.adoptStoredCurrent();
      case 'token':
        return targets.tokens.reload();
      case 'alert':
        return targets.alerts.reload();
      case 'secret':
        return Promise.resolve();
    }
  }

  private async applyServer(name: string, row: StoredServer | undefined): Promise<void> {
    const { servers } = this.deps.targets;
    if (row === undefined) return servers.forgetStored(name);
    let spec: ServerSpec;
    try {
      spec = parseInput(serverSpecSchema, row.spec, `stored definition of '${name}'`);
    } catch (error) {
      this.deps.logger.error(
        { server: name, err: (error as Error).message },
        'skipping an unreadable server definition',
      );
      return;
    }
    return servers.adoptStored(spec, row.createdAt);
  }

  /** Everything read again: what a missed notification would have said is found by comparing. */
  private async resync(): Promise<void> {
    // Servers queued first: the profiles then wait for them.
    await this.reloadKind('server');
    const kinds: ChangeKind[] = ['profile', 'current-profile', 'token', 'alert'];
    await Promise.all(kinds.map((kind) => this.reloadKind(kind)));
  }

  private async reloadKind(kind: ChangeKind): Promise<void> {
    const { targets, store, logger } = this.deps;
    try {
      if (kind === 'server') {
        const rows = new Map((await store.servers.list()).map((row) => [row.name, row]));
        const names = new Set([...rows.keys(), ...targets.servers.list().map((entry) => entry.spec.name)]);
        for (const name of names) this.enqueue(kind, name, () => this.applyServer(name, rows.get(name)));
      } else if (kind === 'profile') {
        const names = new Set([
          ...(await store.profiles.list()).map((row) => row.name),
          ...targets.profiles.list().map((entry) => entry.spec.name),
        ]);
        for (const name of names) this.enqueue(kind, name, () => targets.profiles.adoptStored(name));
      } else {
        this.enqueue(kind, '', () => this.apply(kind, ''));
      }
    } catch (error) {
      // The store is away again: the feed's next reconnect reads everything once more.
      logger.warn({ kind, err: (error as Error).message }, 'could not read the store to catch up');
    }
  }

  /** Runs `work` after the earlier changes of the same object; a failure is logged, the queue goes on. */
  private enqueue(kind: ChangeKind, name: string, work: () => Promise<void>): void {
    // Tokens, alerts and the current profile are read whole: one queue each.
    const key = kind === 'server' || kind === 'profile' ? `${kind}/${name}` : kind;
    // A profile waits for the server changes heard before it: its members may be servers just added.
    const before =
      kind === 'profile'
        ? [...this.queues].filter(([queued]) => queued.startsWith('server/')).map(([, pending]) => pending)
        : [];
    const run = Promise.all([this.queues.get(key), ...before])
      .then(work)
      .catch((error: unknown) =>
        this.deps.logger.error(
          { kind, name, err: (error as Error).message },
          "could not apply another node's change: the next change or reconnect reads it again",
        ),
      )
      .finally(() => {
        if (this.queues.get(key) === run) this.queues.delete(key);
      });
    this.queues.set(key, run);
  }
}
