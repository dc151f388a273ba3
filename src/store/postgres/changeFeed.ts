import pg from 'pg';
import * as z from 'zod';
import type { Logger } from '../../shared/logger.js';
import type { ChangeFeed, ChangeListener, StoreChange } from '../types.js';
import { CHANGES_CHANNEL } from './changeChannel.js';
import { type PostgresLocation, withoutPassword } from './location.js';

/** What a trigger sends (migrations.ts); anything else on the channel is dropped. */
const changeSchema = z.object({
  kind: z.enum(['server', 'profile', 'token', 'secret', 'alert', 'current-profile']),
  name: z.string().max(1000),
  op: z.enum(['upsert', 'delete', 'reload']),
  node: z.string().max(100),
});

/** Retries after an outage: quick at first (a restart takes a second or two), then once a second. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 1000;
/** A listening connection sends nothing on its own: a query this often finds one that died silently. */
const CHECK_EVERY_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5000;

export interface PostgresChangeFeed extends ChangeFeed {
  /** Ends the listening connection; idempotent. */
  close(): Promise<void>;
}

/**
 * LISTEN on one dedicated connection (a pooled one would be recycled under it). Lost (the server
 * restarted, a check failed), it reconnects by itself with a short backoff and tells its listeners
 * to `resync`: NOTIFY keeps nothing for an absent listener, so whatever was missed is read again.
 * The first connect says `resync` too (what changed since the caller loaded). Changes written by
 * `node` itself are not passed on. Connects with the first subscriber only.
 */
export function createChangeFeed(options: {
  url: string;
  location: PostgresLocation;
  node: string | undefined;
  logger: Logger;
  /** The first retry's delay (tests lengthen it to write while a node is not listening). */
  retryMs?: number;
}): PostgresChangeFeed {
  const { url, location, node, logger } = options;
  const firstRetryMs = options.retryMs ?? RETRY_FIRST_MS;
  const listeners = new Set<ChangeListener>();
  let client: pg.Client | undefined;
  let started = false;
  let closed = false;
  let retryMs = firstRetryMs;
  let retryTimer: NodeJS.Timeout | undefined;
  let checkTimer: NodeJS.Timeout | undefined;
  /** Said once per outage, not at every retry. */
  let outage = false;
  const scrub = (error: unknown) => withoutPassword((error as Error).message ?? String(error), location.password);

  const deliver = (payload: string | undefined): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload ?? '');
    } catch {
      parsed = undefined;
    }
    const change = changeSchema.safeParse(parsed);
    if (!change.success) {
      logger.warn({ store: location.target }, 'ignored a change notification that is not one of mcpctl');
      return;
    }
    if (node !== undefined && change.data.node === node) return;
    for (const listener of listeners) call(listener, (l) => l.change(change.data as StoreChange));
  };

  const call = (listener: ChangeListener, act: (listener: ChangeListener) => void): void => {
    try {
      act(listener);
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'a change listener failed');
    }
  };

  const lost = (which: pg.Client, error?: unknown): void => {
    if (which !== client) return;
    client = undefined;
    clearInterval(checkTimer);
    which.end().catch(() => undefined);
    if (closed) return;
    logger.warn(
      { store: location.target, ...(error === undefined ? {} : { err: scrub(error) }) },
      'the change feed lost its connection: reconnecting (changes made meanwhile are read again then)',
    );
    outage = true;
    retryLater();
  };

  const retryLater = (): void => {
    if (closed) return;
    retryTimer = setTimeout(() => void connect(), retryMs);
    retryTimer.unref();
    retryMs = Math.max(firstRetryMs, Math.min(retryMs * 2, RETRY_MAX_MS));
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      // pg_stat_activity tells whose listener it is.
      application_name: node === undefined ? 'mcpctl-changes' : `mcpctl-changes/${node}`,
    });
    next.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL) deliver(message.payload);
    });
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      next.end().catch(() => undefined);
      if (!outage) {
        logger.warn({ store: location.target, err: scrub(error) }, 'the change feed cannot listen yet: retrying');
        outage = true;
      }
      retryLater();
      return;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    retryMs = firstRetryMs;
    if (outage) logger.info({ store: location.target }, 'the change feed listens again: reading every change');
    outage = false;
    checkTimer = setInterval(() => {
      next.query('SELECT 1').catch((error: unknown) => lost(next, error));
    }, CHECK_EVERY_MS);
    checkTimer.unref();
    for (const listener of listeners) call(listener, (l) => l.resync());
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!started && !closed) {
        started = true;
        void connect();
      } else if (client !== undefined) {
        // Listening already: this one still has to catch up with what changed since it loaded.
        queueMicrotask(() => call(listener, (l) => l.resync()));
      }
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(checkTimer);
      const open = client;
      client = undefined;
      await open?.end().catch(() => undefined);
    },
  };
}
