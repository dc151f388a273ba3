import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { BackupMeta, StoreBackup } from '../../store/types.js';
import { postgresFormat } from './postgresFormat.js';
import type { BackupInfo } from './schemas.js';
import { sqliteFormat } from './sqliteFormat.js';
import type { StoreLocation } from './storeLocation.js';

/** What a format reads from a backup file (the rest of BackupInfo is said by the caller). */
export type BackupContents = Omit<BackupInfo, 'file' | 'format' | 'masterKeyIncluded'>;

export interface RestoreOptions {
  /** Written into the copy of the store as it was before (itself a backup). */
  meta: BackupMeta;
  logger: Logger;
  /** Called between the steps of the restore (a kill -9 test stops there). */
  after?: (step: string) => void;
}

export interface RestoreOutcome {
  /** Where the store is now (a database file; a store URL without its password). */
  store: string;
  /** The copy of the store as it was before, or null when there was none. */
  previous: string | null;
  schemaFrom: number;
  schemaTo: number;
}

/**
 * One store backend's backup format. SQLite's file is a database made by the online backup
 * (sqliteFormat.ts); PostgreSQL's a logical export of mcpctl's tables taken in one transaction
 * (postgresFormat.ts): its Store's `backup.snapshot` (store/types.ts) writes it, `inspect`
 * validates it, `restore` loads it into the configured database in one transaction, `fromStore`
 * is for a `backup create` with no daemon.
 */
export interface BackupFormat {
  readonly name: string;
  /** The schema version this mcpctl migrates that backend to: a backup of a newer one is refused. */
  readonly schemaVersion: number;
  /** Whether a file that begins with these bytes (up to 100) is in this format. */
  recognizes(head: Buffer): boolean;
  /** Validates the whole file, changing nothing; typed errors for a damaged file or one that is not a backup. */
  inspect(file: string): BackupContents;
  /** Makes the backup the store at `location`, in one step; no daemon may use that store meanwhile. */
  restore(file: string, location: StoreLocation, options: RestoreOptions): Promise<RestoreOutcome>;
  /** The store at `location` read directly, for a backup taken while no daemon runs. */
  fromStore(location: StoreLocation): StoreBackup;
  /** Backups of other backends this one restores, converted on the way in, by their format's name. */
  readonly converts?: Readonly<
    Record<string, (file: string, location: StoreLocation, options: RestoreOptions) => Promise<RestoreOutcome>>
  >;
}

const FORMATS: readonly BackupFormat[] = [sqliteFormat, postgresFormat];

/** The format of a store backend (as `StoreLocation.backend` or `StoreBackup.format` name it). */
export function formatNamed(name: string): BackupFormat {
  const format = FORMATS.find((candidate) => candidate.name === name);
  if (format === undefined) {
    throw new McpctlError('INVALID_ARGUMENT', `backups of a ${name} store are not supported by this mcpctl`, {
      hint: `formats known: ${FORMATS.map((known) => known.name).join(', ')}`,
    });
  }
  return format;
}

function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(100);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Validates a backup file before anything is changed: it exists (else NOT_FOUND), is in a known
 * format and intact (INVALID_ARGUMENT, STORE_CORRUPT), and its schema is not newer than this
 * mcpctl's (CONFIG_INVALID). Returns its format and what it holds.
 */
export function inspectBackup(file: string): { format: BackupFormat; info: BackupInfo } {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) {
    throw new McpctlError('NOT_FOUND', `no backup file ${file}`, { hint: 'check the path; nothing was changed' });
  }
  if (!stat.isFile()) {
    throw new McpctlError('INVALID_ARGUMENT', `${file} is not a file`, { hint: 'give the path of a backup file' });
  }
  const head = readHead(file);
  const format = FORMATS.find((candidate) => candidate.recognizes(head));
  if (format === undefined) {
    throw new McpctlError('INVALID_ARGUMENT', `${file} is not an mcpctl backup: not in a format this mcpctl knows`, {
      hint: "give a file made by 'mcpctl backup create'; nothing was changed",
    });
  }
  const contents = format.inspect(file);
  if (contents.schemaVersion > format.schemaVersion) {
    throw new McpctlError(
      'CONFIG_INVALID',
      `the backup ${file} has schema version ${contents.schemaVersion}, newer than this mcpctl knows (${format.schemaVersion}): it was made by mcpctl ${contents.mcpctlVersion}`,
      { hint: `restore it with mcpctl ${contents.mcpctlVersion} or later; nothing was changed` },
    );
  }
  return { format, info: { file, format: format.name, ...contents, masterKeyIncluded: false } };
}
