import * as z from 'zod';
import { profileNameSchema } from '../profiles/definition.js';
import { serverNameSchema } from '../servers/definition.js';
import { CLIENT_IDS } from './clientIds.js';

/**
 * The control API's AI-client methods (the dashboard's Clients page): the same rules as
 * `clients ls`, `install` and `uninstall` (core/clients/), applied by the daemon to the files
 * of the user it runs as, in each client's user scope (a project scope needs a folder the
 * daemon does not have). Only the local owner may call them (clientHandlers.ts).
 */

const targetFields = {
  client: z.enum(CLIENT_IDS),
  servers: z.array(serverNameSchema).max(100).default([]),
  profile: profileNameSchema.optional(),
};
const oneTarget = [
  (input: { servers: string[]; profile?: string | undefined }) =>
    (input.profile === undefined) !== (input.servers.length === 0),
  'name the servers or one profile the entries reach (not both)',
] as const;

const installFields = {
  ...targetFields,
  transport: z.enum(['stdio', 'http']).default('stdio'),
  /** Also remove the entries this client's servers were imported from (kept in the backup). */
  replace: z.boolean().default(false),
};
/** The file's SHA-256 as a preview showed it: the write is refused if the file changed since. */
const expectedField = {
  expectedSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'not a SHA-256 in hex')
    .optional(),
};

const uninstallFields = {
  client: z.enum(CLIENT_IDS),
  servers: z.array(serverNameSchema).max(100).optional(),
  profile: profileNameSchema.optional(),
};

const entryReportSchema = z.object({
  name: z.string(),
  transport: z.string(),
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  url: z.string().optional(),
  /** What it reaches through mcpctl's gateway when mcpctl wrote it. */
  mcpctl: z.object({ kind: z.enum(['server', 'profile']), name: z.string() }).nullable(),
});

export const clientReportSchema = z.object({
  client: z.enum(CLIENT_IDS),
  title: z.string(),
  detected: z.boolean(),
  /** Whether it takes gateway URLs (`transport: http`); else only stdio entries. */
  http: z.boolean(),
  files: z.array(
    z.object({
      scope: z.string(),
      file: z.string(),
      exists: z.boolean(),
      /** A malformed file: FILE:LINE:COL and what. */
      error: z.string().nullable(),
      entries: z.array(entryReportSchema),
    }),
  ),
});
export type ClientReportView = z.output<typeof clientReportSchema>;

const editFields = {
  client: z.string(),
  scope: z.string(),
  file: z.string(),
  changed: z.boolean(),
  /** The entries written, and those removed. */
  entries: z.array(z.string()),
  removed: z.array(z.string()),
};
export const clientPreviewSchema = z.object({
  ...editFields,
  /** Unified diff of exactly what the write would change. */
  diff: z.string(),
  sha256: z.string(),
});
export type ClientPreview = z.output<typeof clientPreviewSchema>;
export const clientEditSchema = z.object({ ...editFields, backup: z.string().nullable() });

export const clientMethods = {
  /** Every supported client, detected or not, with its user-scope file and which entries are mcpctl's. */
  listClients: { input: z.object({}).strict(), output: z.array(clientReportSchema) },
  previewClientInstall: {
    input: z
      .object(installFields)
      .strict()
      .refine(...oneTarget),
    output: clientPreviewSchema,
  },
  installClient: {
    input: z
      .object({ ...installFields, ...expectedField })
      .strict()
      .refine(...oneTarget),
    output: clientEditSchema,
  },
  /** mcpctl's entries only (all of them unless servers or a profile narrow it); `changed` false when there are none. */
  previewClientUninstall: { input: z.object(uninstallFields).strict(), output: clientPreviewSchema },
  uninstallClient: { input: z.object({ ...uninstallFields, ...expectedField }).strict(), output: clientEditSchema },
} as const;
