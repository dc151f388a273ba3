import * as z from 'zod';

/** The contract of `mcpctl audit` (ControlApi `listAudit`). */
export const auditQuerySchema = z
  .object({
    /** Only rows at or after this instant (ISO 8601). */
    since: z.iso.datetime({ offset: true }).optional(),
    /** A principal's name (`owner`, or a token's). */
    principal: z.string().min(1).max(128).optional(),
    /** A server, or `profiles/NAME` for a profile's endpoint and the profile verbs. */
    server: z.string().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(100_000).default(1000),
  })
  .strict();
export type AuditQueryInput = z.input<typeof auditQuerySchema>;

export const auditEntrySchema = z.object({
  id: z.number(),
  time: z.string(),
  principal: z.string(),
  principalKind: z.string(),
  role: z.string(),
  address: z.string(),
  method: z.string(),
  server: z.string().nullable(),
  tool: z.string().nullable(),
  session: z.string().nullable(),
  outcome: z.enum(['ok', 'error']),
  error: z.string().nullable(),
  durationMs: z.number(),
});
export type AuditEntryView = z.output<typeof auditEntrySchema>;
