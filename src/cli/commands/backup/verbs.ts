import { resolve } from 'node:path';
import { backupWithoutDaemon, daemonAnswers, restoreBackup as restoreStore } from '../../../core/backup/localBackup.js';
import type { Invocation } from '../../invocation.js';
import { renderBackupCreated, renderRestored } from '../../output/backup.js';

export async function createBackup(inv: Invocation, given: string, flags: { force: boolean }): Promise<void> {
  await inv.requireLocal('backup create');
  const { paths, cwd, version, env } = inv.ctx;
  const file = resolve(cwd, given);
  const result = (await daemonAnswers(paths))
    ? await (await inv.api({ autostart: false })).createBackup({ file, force: flags.force })
    : await backupWithoutDaemon({ paths, env, file, force: flags.force, version });
  if (inv.out.machine) return inv.out.data(result);
  inv.out.out(renderBackupCreated(result));
}

export async function restoreBackup(inv: Invocation, given: string, flags: { stop: boolean }): Promise<void> {
  await inv.requireLocal('backup restore');
  const { paths, cwd, version, env } = inv.ctx;
  const pauseAt = env.MCPCTL_TEST_RESTORE_PAUSE;
  const result = await restoreStore({
    paths,
    env,
    file: resolve(cwd, given),
    version,
    stop: flags.stop,
    ...(pauseAt === undefined ? {} : { pauseAt, onPause: (step: string) => inv.out.note(`paused after ${step}`) }),
  });
  if (inv.out.machine) return inv.out.data(result);
  inv.out.out(renderRestored(result));
}
