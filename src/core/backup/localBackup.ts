import { existsSync } from 'node:fs';
import { acquirePidLock } from '../../daemon/service/pidLock.js';
import { McpctlError } from '../../shared/errors.js';
import { silentLogger } from '../../shared/logger.js';
import type { Paths } from '../../shared/paths.js';
import type { BackupMeta } from '../../store/types.js';
import { isDaemonAnswering, stopDaemon } from '../daemonLifecycle.js';
import { formatNamed, inspectBackup, type RestoreOutcome } from './backupFormat.js';
import type { BackupInfo } from './schemas.js';
import { type StoreLocation, storeLocation } from './storeLocation.js';
import { writeBackup } from './writeBackup.js';

/**
 * What the CLI does itself, with no daemon: a backup when none runs (the one rule: whoever has the
 * store open takes the snapshot: the daemon when it runs, else the CLI), and every restore. Both hold
 * the daemon's pid lock meanwhile, so no daemon starts on the store halfway through.
 */

export type RestoreSummary = BackupInfo &
  RestoreOutcome & {
    /** The daemon `--stop` stopped first, or null when none ran. */
    stoppedDaemon: number | null;
  };

/** Whether a daemon answers on this home's socket. */
export async function daemonAnswers(paths: Paths): Promise<boolean> {
  return (await isDaemonAnswering(paths.socket)) !== undefined;
}

async function holdingDaemonLock<T>(paths: Paths, work: () => Promise<T>): Promise<T> {
  let lock: ReturnType<typeof acquirePidLock>;
  try {
    lock = acquirePidLock(paths.pidFile);
  } catch (error) {
    if (!(error instanceof McpctlError && error.code === 'DAEMON_RUNNING')) throw error;
    throw new McpctlError('DAEMON_RUNNING', `${error.message}, but does not answer`, {
      hint: "a daemon may be starting or stopping: run 'mcpctl daemon status', then try again; nothing was changed",
    });
  }
  try {
    return await work();
  } finally {
    lock.release();
  }
}

function metaFor(location: StoreLocation, version: string): BackupMeta {
  return { createdAt: new Date().toISOString(), mcpctlVersion: version, source: location.shown };
}

/** `backup create` while no daemon runs: the snapshot is read from the store's file itself. */
export async function backupWithoutDaemon(options: {
  paths: Paths;
  env: NodeJS.ProcessEnv;
  file: string;
  force: boolean;
  version: string;
}): Promise<BackupInfo & { madeBy: 'cli' }> {
  const location = await storeLocation(options.paths, options.env);
  return holdingDaemonLock(options.paths, async () => {
    if (location.backend === 'sqlite' && !existsSync(location.path)) {
      throw new McpctlError('NOT_FOUND', `there is no store at ${location.path} to back up`, {
        hint: 'the daemon creates it when it first starts',
      });
    }
    const info = await writeBackup({
      source: formatNamed(location.backend).fromStore(location),
      file: options.file,
      force: options.force,
      meta: metaFor(location, options.version),
    });
    return { ...info, madeBy: 'cli' as const };
  });
}

/** Blocks this process (test hook only): a kill -9 test finds it stopped between two steps. */
function pauseHere(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}

/**
 * `backup restore`: the file is validated first (a bad one changes nothing and stops no daemon);
 * a running daemon is refused unless `stop`, which stops it as `daemon stop` does; then the store is
 * replaced in one step under the daemon's lock, a copy of the old one kept beside it.
 */
export async function restoreBackup(options: {
  paths: Paths;
  env: NodeJS.ProcessEnv;
  file: string;
  version: string;
  stop: boolean;
  /** Test hook (MCPCTL_TEST_RESTORE_PAUSE): tells `onPause`, then blocks after this step. */
  pauseAt?: string;
  onPause?: (step: string) => void;
}): Promise<RestoreSummary> {
  const { paths, file } = options;
  const { format, info } = inspectBackup(file);
  const location = await storeLocation(paths, options.env);
  const restore =
    format.name === location.backend
      ? format.restore.bind(format)
      : formatNamed(location.backend).converts?.[format.name];
  if (restore === undefined) {
    throw new McpctlError(
      'INVALID_ARGUMENT',
      `${file} is a backup of a ${format.name} store; this home's store is ${location.backend} (${location.shown})`,
      { hint: 'restore it where a store of its kind is configured (store.url); nothing was changed' },
    );
  }
  let stoppedDaemon: number | null = null;
  const running = await isDaemonAnswering(paths.socket);
  if (running !== undefined) {
    if (!options.stop) {
      throw new McpctlError(
        'DAEMON_RUNNING',
        `the daemon (pid ${running.pid}) is running: a restore replaces its store`,
        {
          hint: "stop it first ('mcpctl daemon stop'), or pass --stop; nothing was changed",
        },
      );
    }
    const stopped = await stopDaemon({ paths });
    stoppedDaemon = 'pid' in stopped ? stopped.pid : null;
  }
  const outcome = await holdingDaemonLock(paths, () =>
    restore(file, location, {
      meta: metaFor(location, options.version),
      logger: silentLogger,
      after: (step) => {
        if (step !== options.pauseAt) return;
        options.onPause?.(step);
        pauseHere();
      },
    }),
  );
  return { ...info, ...outcome, stoppedDaemon };
}
