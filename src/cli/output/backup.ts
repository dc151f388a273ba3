import type { RestoreSummary } from '../../core/backup/localBackup.js';
import type { BackupInfo } from '../../core/backup/schemas.js';
import { formatBytes } from './metrics.js';

/** `servers 2, profiles 1, tokens 1, ...`: the rows the backup holds, by table. */
function contents(counts: Record<string, number>): string {
  return `  ${Object.entries(counts)
    .map(([table, count]) => `${table} ${count}`)
    .join(', ')}`;
}

const KEY_NOTE =
  'the master key is not in it: keep a copy of the key too (keyring, MCPCTL_MASTER_KEY or master.key), or its secrets cannot be read after a restore';

export function renderBackupCreated(info: BackupInfo & { madeBy: 'daemon' | 'cli' }): string {
  const by = info.madeBy === 'daemon' ? 'taken by the daemon' : 'read from the store file: no daemon runs';
  return [
    `wrote backup ${info.file} (${formatBytes(info.bytes)}, ${info.format}, schema ${info.schemaVersion}, ${by})`,
    contents(info.counts),
    KEY_NOTE,
  ].join('\n');
}

export function renderRestored(result: RestoreSummary): string {
  const lines = [
    `restored ${result.file} (taken ${result.createdAt} by mcpctl ${result.mcpctlVersion}) into ${result.store}`,
    contents(result.counts),
  ];
  if (result.schemaFrom !== result.schemaTo) lines.push(`schema ${result.schemaFrom} migrated to ${result.schemaTo}`);
  lines.push(result.previous === null ? 'there was no store before' : `the store as it was before: ${result.previous}`);
  if (result.stoppedDaemon !== null) {
    lines.push(
      `stopped the daemon (pid ${result.stoppedDaemon}): the next command that needs it starts it on the restored store`,
    );
  }
  lines.push("its secrets open only with the master key they were encrypted with ('mcpctl daemon status' says if not)");
  return lines.join('\n');
}
