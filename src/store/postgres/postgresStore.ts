import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { checkRetention } from '../retention.js';
import type { Store } from '../types.js';
import { createAlertRepository } from './alertRepository.js';
import { createAuditRepository } from './auditRepository.js';
import { createChangeFeed } from './changeFeed.js';
import { createEventRepository } from './eventRepository.js';
import { createInstanceRepository } from './instanceRepository.js';
import { createLeaseRepository } from './leaseRepository.js';
import { postgresLocation } from './location.js';
import { migratePostgres } from './migrations.js';
import { createNodeRepository } from './nodeRepository.js';
import { postgresFailure, reportingPostgresFailures } from './pgErrors.js';
import { createPool } from './pool.js';
import { snapshotPostgres } from './postgresBackup.js';
import { createProfileRepository } from './profileRepository.js';
import { createSecretRepository } from './secretRepository.js';
import { createServerRepository } from './serverRepository.js';
import { createSessionRepository } from './sessionRepository.js';
import { createTokenRepository } from './tokenRepository.js';
import type { MigratingNode } from './versionGuard.js';

export interface PostgresStoreOptions {
  /** `postgres://USER:PASSWORD@HOST:PORT/DB` (libpq's URL; `?host=/folder` for a Unix socket). */
  url: string;
  logger: Logger;
  /** As the SQLite store's: how many events and sessions to keep. */
  maxEvents?: number;
  maxSessions?: number;
  /** This daemon, for the version guard of a migration (versionGuard.ts); absent in tests of the store alone. */
  self?: MigratingNode;
  /** The daemon's node: its writes are tagged with it, and the change feed skips them. Absent: the CLI. */
  node?: string;
  /** The change feed's first reconnect delay (changeFeed.ts); tests lengthen it. */
  changeFeedRetryMs?: number;
}

/**
 * The store on a PostgreSQL server, behind the same port as SQLite's: a bounded pool, its own
 * migrations (run under an advisory lock), every write one transaction that PostgreSQL has
 * committed (and flushed: synchronous_commit) when its promise resolves. Connecting is checked
 * here: a server that cannot be reached rejects with STORE_UNAVAILABLE naming the host, never the
 * password. Afterwards the pool reconnects by itself; a command that meets an outage fails with
 * STORE_UNAVAILABLE and changes nothing.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { url, logger, maxEvents, maxSessions, self, node } = options;
  checkRetention('maxEvents', 'event', maxEvents);
  checkRetention('maxSessions', 'session', maxSessions);
  const location = postgresLocation(url);
  const pool = createPool(url, location, logger, node);
  try {
    await migratePostgres(pool, location, logger, self);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof McpctlError) throw error;
    const failure = postgresFailure(error, location);
    if (failure) throw failure;
    throw new McpctlError(
      'INTERNAL',
      `cannot update the schema of the store postgres ${location.target}: ${(error as Error).message}`,
      { hint: `the failed step was rolled back; report this with the output of 'mcpctl doctor'` },
    );
  }
  logger.debug({ store: location.target }, 'opened the store');
  const guarded = <T extends object>(repository: T) => reportingPostgresFailures(repository, location);
  let closing: Promise<void> | undefined;
  const changes = createChangeFeed({ url, location, node, logger, retryMs: options.changeFeedRetryMs });
  return {
    backup: {
      format: 'postgres',
      snapshot: async (file, meta) => {
        try {
          await snapshotPostgres(pool, file, meta);
        } catch (error) {
          throw postgresFailure(error, location) ?? error;
        }
      },
    },
    changes,
    secrets: guarded(createSecretRepository(pool)),
    servers: guarded(createServerRepository(pool)),
    profiles: guarded(createProfileRepository(pool)),
    instances: guarded(createInstanceRepository(pool)),
    events: guarded(createEventRepository(pool, maxEvents)),
    sessions: guarded(createSessionRepository(pool, maxSessions)),
    alerts: guarded(createAlertRepository(pool)),
    audit: guarded(createAuditRepository(pool)),
    tokens: guarded(createTokenRepository(pool)),
    nodes: guarded(createNodeRepository(pool)),
    leases: guarded(createLeaseRepository(pool)),
    close() {
      closing ??= Promise.all([changes.close(), pool.end()]).then(
        () => undefined,
        (error: unknown) => {
          logger.warn({ store: location.target, err: (error as Error).message }, 'closing the store pool failed');
        },
      );
      return closing;
    },
  };
}
