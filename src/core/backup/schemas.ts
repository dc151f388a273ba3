import { isAbsolute } from 'node:path';
import * as z from 'zod';

/**
 * The `backup` noun's part of the ControlApi contract. Only `createBackup` is a daemon method: the
 * daemon owns the open store, so it takes the snapshot while it runs. A restore replaces the store
 * under a stopped daemon, so the CLI does it itself (core/backup/restoreBackup.ts).
 */
export const backupInfoSchema = z.object({
  file: z.string(),
  bytes: z.number(),
  /** The store backend's format (core/backup/backupFormat.ts): 'sqlite'. */
  format: z.string(),
  createdAt: z.string(),
  mcpctlVersion: z.string(),
  /** The store it was taken from. */
  source: z.string(),
  schemaVersion: z.number(),
  /** Rows per table: servers, profiles, tokens, secrets, alerts, events, sessions, audit. */
  counts: z.record(z.string(), z.number()),
  /** Never: the secrets are in it encrypted, their master key stays apart (keyring, MCPCTL_MASTER_KEY, key file). */
  masterKeyIncluded: z.literal(false),
});
export type BackupInfo = z.output<typeof backupInfoSchema>;

export const backupMethods = {
  /** A consistent snapshot of the store written to `file` (on the daemon's host) atomically, 0600. */
  createBackup: {
    input: z
      .object({
        file: z.string().min(1).refine(isAbsolute, 'must be an absolute path'),
        /** Replace `file` when it exists (refused otherwise). */
        force: z.boolean().default(false),
      })
      .strict(),
    output: backupInfoSchema.extend({ madeBy: z.enum(['daemon', 'cli']) }),
  },
} as const;
