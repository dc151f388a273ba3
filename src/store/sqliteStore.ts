import { McpctlError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { createAlertRepository } from './alertRepository.js';
import { createAuditRepository } from './auditRepository.js';
import { openDatabase } from './database.js';
import { createEventRepository } from './eventRepository.js';
import { createInstanceRepository } from './instanceRepository.js';
import { createLeaseRepository } from './leaseRepository.js';
import { migrate } from './migrations.js';
import { createNodeRepository } from './nodeRepository.js';
import { createProfileRepository } from './profileRepository.js';
import { checkRetention } from './retention.js';
import { createSecretRepository } from './secretRepository.js';
import { createServerRepository } from './serverRepository.js';
import { createSessionRepository } from './sessionRepository.js';
import { snapshotSqlite } from './sqliteBackup.js';
import { reportingStorageFailures } from './storageFailure.js';
import { createTokenRepository } from './tokenRepository.js';
import type { Store } from './types.js';

export interface SqliteStoreOptions {
  /** The database file; its folder is created (0700) when missing. */
  path: string;
  logger: Logger;
  /** How many events to keep; older ones are dropped as new ones arrive. Default 10,000. */
  maxEvents?: number;
  /** How many sessions to keep in the history; the oldest closed ones are dropped. Default 1,000. */
  maxSessions?: number;
}

/**
 * The embedded store. SQLite is synchronous; the port is async so that a networked
 * store can implement it too. Each write is one transaction, fsynced before it resolves;
 * a write the file system refuses (disk full, read-only, I/O error) rejects with STORE_WRITE_FAILED.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const { path, logger, maxEvents, maxSessions } = options;
  checkRetention('maxEvents', 'event', maxEvents);
  checkRetention('maxSessions', 'session', maxSessions);
  const db = openDatabase(path, logger);
  try {
    migrate(db, path, logger);
  } catch (error) {
    db.close();
    if (error instanceof McpctlError) throw error;
    throw new McpctlError('INTERNAL', `cannot update the schema of the database ${path}: ${(error as Error).message}`, {
      hint: `the failed step was rolled back; report this with the output of 'mcpctl doctor'`,
      cause: error,
    });
  }
  logger.debug({ path }, 'opened the store');
  return {
    // Through the daemon's own connection: a write it makes meanwhile is copied too.
    backup: { format: 'sqlite', snapshot: (file, meta) => snapshotSqlite(db, file, meta) },
    secrets: reportingStorageFailures(createSecretRepository(db), path),
    servers: reportingStorageFailures(createServerRepository(db), path),
    profiles: reportingStorageFailures(createProfileRepository(db), path),
    instances: reportingStorageFailures(createInstanceRepository(db), path),
    events: reportingStorageFailures(createEventRepository(db, maxEvents), path),
    sessions: reportingStorageFailures(createSessionRepository(db, maxSessions), path),
    alerts: reportingStorageFailures(createAlertRepository(db), path),
    audit: reportingStorageFailures(createAuditRepository(db), path),
    tokens: reportingStorageFailures(createTokenRepository(db), path),
    nodes: reportingStorageFailures(createNodeRepository(db), path),
    leases: reportingStorageFailures(createLeaseRepository(db), path),
    close() {
      if (db.open) db.close();
    },
  };
}
