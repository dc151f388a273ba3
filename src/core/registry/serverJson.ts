import * as z from 'zod';

/**
 * The shapes of the MCP Registry API (`GET /v0/servers`, `GET /v0/servers/{name}/versions/{version}`)
 * and of its `server.json` entries (https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json).
 * Strict where mcpctl acts on a field (names, packages, transports, inputs), open where the schema
 * itself is open (registry types, input formats, `_meta`), so a new registry type is shown, not refused.
 */

/** A value the user may have to supply: an environment variable, a header, an argument or a variable. */
const inputFields = {
  description: z.string().optional(),
  isRequired: z.boolean().optional(),
  /** string, number, boolean, filepath: converted to a string either way. */
  format: z.string().optional(),
  /** A fixed value (not configurable by users); `{name}` refers to `variables`. */
  value: z.string().optional(),
  isSecret: z.boolean().optional(),
  default: z.string().optional(),
  placeholder: z.string().optional(),
  choices: z.array(z.string()).optional(),
};
const inputSchema = z.object(inputFields);
export type RegistryInput = z.output<typeof inputSchema>;

const withVariables = { ...inputFields, variables: z.record(z.string(), inputSchema).optional() };

const keyValueInputSchema = z.object({ ...withVariables, name: z.string().min(1) });
export type KeyValueInput = z.output<typeof keyValueInputSchema>;

const positionalArgumentSchema = z.object({
  ...withVariables,
  type: z.literal('positional'),
  valueHint: z.string().optional(),
  isRepeated: z.boolean().optional(),
});
const namedArgumentSchema = z.object({
  ...withVariables,
  type: z.literal('named'),
  /** The flag with its dashes: `--port`. */
  name: z.string().min(1),
  isRepeated: z.boolean().optional(),
});
const argumentSchema = z.discriminatedUnion('type', [positionalArgumentSchema, namedArgumentSchema]);
export type RegistryArgument = z.output<typeof argumentSchema>;

const httpTransportFields = {
  url: z.string().min(1),
  headers: z.array(keyValueInputSchema).optional(),
};
const packageTransportSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stdio') }),
  z.object({ type: z.literal('streamable-http'), ...httpTransportFields }),
  z.object({ type: z.literal('sse'), ...httpTransportFields }),
]);

const remoteFields = { ...httpTransportFields, variables: z.record(z.string(), inputSchema).optional() };
const remoteSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('streamable-http'), ...remoteFields }),
  z.object({ type: z.literal('sse'), ...remoteFields }),
]);
export type RegistryRemote = z.output<typeof remoteSchema>;

const packageSchema = z.object({
  /** npm, pypi, oci, nuget, mcpb, ...: mcpctl runs the first three. */
  registryType: z.string().min(1),
  registryBaseUrl: z.string().optional(),
  identifier: z.string().min(1),
  /** Required by the 2025-09-29 schema; an OCI identifier may carry its tag instead (2025-12-11). */
  version: z.string().min(1).optional(),
  runtimeHint: z.string().optional(),
  /** Required by the schema; entries published before it existed ran over stdio. */
  transport: packageTransportSchema.default({ type: 'stdio' }),
  runtimeArguments: z.array(argumentSchema).optional(),
  packageArguments: z.array(argumentSchema).optional(),
  environmentVariables: z.array(keyValueInputSchema).optional(),
});
export type RegistryPackage = z.output<typeof packageSchema>;

export const registryServerSchema = z.object({
  /** Reverse-DNS, one slash: `io.github.user/weather`. */
  name: z.string().min(1).max(200),
  description: z.string(),
  title: z.string().optional(),
  version: z.string().min(1),
  websiteUrl: z.string().optional(),
  repository: z.object({ url: z.string(), source: z.string().optional() }).optional(),
  packages: z.array(packageSchema).optional(),
  remotes: z.array(remoteSchema).optional(),
});
export type RegistryServer = z.output<typeof registryServerSchema>;

const officialMetaSchema = z.object({
  status: z.string().optional(),
  publishedAt: z.string().optional(),
  updatedAt: z.string().optional(),
  isLatest: z.boolean().optional(),
});

/** One entry as the API returns it: the publisher's server.json and the registry's own metadata. */
export const registryEntrySchema = z.object({
  server: registryServerSchema,
  _meta: z.object({ 'io.modelcontextprotocol.registry/official': officialMetaSchema.optional() }).optional(),
});
export type RegistryEntry = z.output<typeof registryEntrySchema>;

export const registryPageSchema = z.object({
  servers: z.array(registryEntrySchema),
  metadata: z
    .object({
      nextCursor: z.string().nullish(),
      /** The API's first drafts spelt it so. */
      next_cursor: z.string().nullish(),
      count: z.number().optional(),
    })
    .optional(),
});
export type RegistryPage = z.output<typeof registryPageSchema>;

export function nextCursorOf(list: RegistryPage): string | undefined {
  const cursor = list.metadata?.nextCursor ?? list.metadata?.next_cursor;
  return cursor ? cursor : undefined;
}

export function isLatest(entry: RegistryEntry): boolean | undefined {
  return entry._meta?.['io.modelcontextprotocol.registry/official']?.isLatest;
}
