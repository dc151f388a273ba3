import type { Pool, PoolClient } from 'pg';
import pg from 'pg';
import type { Logger } from '../../shared/logger.js';
import { type PostgresLocation, withoutPassword } from './location.js';

export type { Pool, PoolClient };
/** A pool or one of its clients inside a transaction: both run a query the same way. */
export type Queryable = Pick<PoolClient, 'query'>;

/** A bounded pool: a daemon's writes are few; ten connections leave room for several daemons on one server. */
const MAX_CONNECTIONS = 10;
const CONNECT_TIMEOUT_MS = 5000;
/** A query the server never answers (a network partition) fails instead of hanging its command. */
const QUERY_TIMEOUT_MS = 15_000;

/**
 * `-c mcpctl.node=NAME` for every connection of a node's pool: the change feed's triggers name the
 * writer from it, so a node can tell its own notifications from the others'.
 */
export function nodeSetting(node: string | undefined): { options?: string } {
  // libpq's options split on spaces, with backslash as the escape.
  return node === undefined ? {} : { options: `-c mcpctl.node=${node.replace(/[\\\s]/g, '\\$&')}` };
}

export function createPool(url: string, location: PostgresLocation, logger: Logger, node?: string): Pool {
  const pool = new pg.Pool({
    ...nodeSetting(node),
    connectionString: url,
    max: MAX_CONNECTIONS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'mcpctl',
  });
  // An idle client whose server went away emits 'error' on the pool: without a listener that
  // would end the process. The pool drops that client and opens a new one for the next query.
  pool.on('error', (error) => {
    logger.warn(
      { store: location.target, err: withoutPassword(error.message, location.password) },
      'an idle store connection failed: the next query opens a new one',
    );
  });
  // A checked-out client (a transaction between two queries, the migrations' lock) has no pool
  // listener: its server going away would be an unhandled 'error' that ends the daemon. The query
  // under way fails on its own, and the client is released as broken.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      logger.debug(
        { store: location.target, err: withoutPassword(error.message, location.password) },
        'a store connection failed',
      );
    });
  });
  return pool;
}

/**
 * Runs `work` in one transaction on one client: COMMIT when it resolves, ROLLBACK when it throws.
 * `relaxed`: the commit does not wait for the WAL flush (synchronous_commit off), as SQLite's
 * session and audit rows are written without fsync: a record of traffic, not a definition.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  options: { relaxed?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    if (options.relaxed) await client.query('SET LOCAL synchronous_commit = off');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollback: unknown) => {
      // The connection itself failed: it must not go back to the pool.
      broken = rollback instanceof Error ? rollback : new Error(String(rollback));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
