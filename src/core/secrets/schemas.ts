import * as z from 'zod';
import { KEY_SOURCES } from './keySlots.js';
import { MAX_SECRET_BYTES, secretNameSchema } from './names.js';

/**
 * The `secret` noun's part of the ControlApi contract. No method answers a value: a value goes
 * into the daemon (`setSecret`) and out only to the processes that refer to it.
 */
const secretInfoSchema = z.object({
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** `server:NAME` and `profile:NAME/SERVER` entries that refer to it. */
  usedBy: z.array(z.string()),
});

export const secretMethods = {
  setSecret: {
    input: z
      .object({
        name: secretNameSchema,
        value: z
          .string()
          .min(1, 'a secret cannot be empty')
          .refine(
            (value) => Buffer.byteLength(value) <= MAX_SECRET_BYTES,
            `a secret holds at most ${MAX_SECRET_BYTES} bytes`,
          ),
      })
      .strict(),
    output: secretInfoSchema.extend({ created: z.boolean() }),
  },
  listSecrets: { input: z.object({}).strict(), output: z.array(secretInfoSchema) },
  /** Refused while servers or profile members refer to it, unless `force`; `usedBy`: those left referring to nothing. */
  removeSecret: {
    input: z.object({ name: secretNameSchema, force: z.boolean().default(false) }).strict(),
    output: z.object({ name: z.string(), usedBy: z.array(z.string()) }),
  },
  /** Re-encrypts every secret under a new master key, in one transaction. */
  rotateSecretKey: {
    input: z.object({}).strict(),
    output: z.object({ count: z.number(), keyId: z.string(), keySource: z.enum(KEY_SOURCES) }),
  },
} as const;

/** What `daemon status` says of the secrets. */
export const secretStatusSchema = z.object({
  /** null: no master key yet (the first `secret set` makes one). */
  keySource: z.enum(KEY_SOURCES).nullable(),
  keyFile: z.string(),
  count: z.number(),
  /** Why secrets cannot be used now (a wrong MCPCTL_MASTER_KEY), or null. */
  problem: z.string().nullable(),
});
