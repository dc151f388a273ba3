import type { Logger } from '../../shared/logger.js';
import type { CallContext } from '../../shared/principal.js';
import type { NewAuditEntry, Store } from '../../store/types.js';

/** What a caller knows of one audited call; the log adds who made it. */
export interface AuditCall {
  /** Epoch milliseconds when the call arrived. */
  at: number;
  method: string;
  server: string | null;
  tool: string | null;
  session: string | null;
  /** null: ok; else the error's code. */
  error: string | null;
  durationMs: number;
}

export interface AuditRetention {
  maxRows: number;
  maxAgeMs: number;
}

/**
 * The audit log's writer. `record` only queues (no I/O, no promise on the caller's path); the
 * queue is written as one transaction a moment later, so a burst of calls costs one commit.
 */
export interface AuditLog {
  record(context: CallContext, call: AuditCall): void;
  /** Writes what is queued now; resolves when it is in the store (`mcpctl audit`, shutdown). */
  flushed(): Promise<void>;
}

/** How long a row waits in the queue at most: long enough to batch a burst, short enough to read soon. */
const FLUSH_DELAY_MS = 100;
/** Beyond this many queued rows (a store that keeps refusing), new ones are dropped and counted. */
const MAX_QUEUED = 10_000;
/** Age pruning runs at most this often (and at start); count pruning every ~1% of maxRows. */
const AGE_PRUNE_EVERY_MS = 60_000;

export function createAuditLog(
  store: Store,
  logger: Logger,
  retention: AuditRetention,
  now: () => number = Date.now,
): AuditLog {
  let queue: NewAuditEntry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let dropped = 0;
  // A table at most ~1% over maxRows, for one index seek per hundredth of it instead of per batch.
  const pruneEvery = Math.max(1, Math.min(1000, Math.floor(retention.maxRows / 100)));
  let sincePrune = Number.POSITIVE_INFINITY;
  let lastAgePrune = Number.NEGATIVE_INFINITY;

  const prune = async (): Promise<void> => {
    const at = now();
    if (sincePrune < pruneEvery && at - lastAgePrune < AGE_PRUNE_EVERY_MS) return;
    sincePrune = 0;
    lastAgePrune = at;
    await store.audit.prune({ maxRows: retention.maxRows, olderThan: new Date(at - retention.maxAgeMs).toISOString() });
  };

  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    chain = chain
      .then(async () => {
        if (dropped > 0) {
          logger.warn({ dropped }, 'audit rows dropped: the store did not keep up');
          dropped = 0;
        }
        await store.audit.append(batch);
        sincePrune += batch.length;
        await prune();
      })
      .catch((error: unknown) =>
        logger.error({ rows: batch.length, err: (error as Error).message }, 'could not write the audit log'),
      );
    return chain;
  };

  chain = prune().catch((error: unknown) =>
    logger.error({ err: (error as Error).message }, 'could not prune the audit log'),
  );

  return {
    record(context, call) {
      if (queue.length >= MAX_QUEUED) {
        dropped++;
        return;
      }
      const { principal } = context;
      queue.push({
        time: new Date(call.at).toISOString(),
        principal: principal.name,
        principalKind: principal.kind,
        role: principal.role,
        address: context.address,
        method: call.method,
        server: call.server,
        tool: call.tool,
        session: call.session,
        outcome: call.error === null ? 'ok' : 'error',
        error: call.error,
        durationMs: Math.round(call.durationMs * 1000) / 1000,
      });
      if (timer === undefined) {
        timer = setTimeout(flush, FLUSH_DELAY_MS);
        timer.unref();
      }
    },
    flushed: () => (queue.length > 0 ? flush() : chain),
  };
}
