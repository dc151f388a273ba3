import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { writeFileAtomic } from '../../daemon/service/files.js';
import { McpctlError } from '../../shared/errors.js';
import type { Paths } from '../../shared/paths.js';

/**
 * The registries `search` and `server add --from` ask, in order: a JSON file in the config folder
 * (the CLI reads it; the daemon never needs it). Without the file the list is the official registry.
 */
export const OFFICIAL_REGISTRY = { name: 'official', url: 'https://registry.modelcontextprotocol.io' } as const;

export const REGISTRY_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export interface Registry {
  name: string;
  /** The base URL, without a trailing slash: the API lives at `<url>/v0/servers`. */
  url: string;
}

const registryUrlSchema = z
  .url({ protocol: /^https?$/, error: 'the URL must be http:// or https://' })
  .refine((value) => {
    const url = new URL(value);
    return !url.username && !url.password && !url.search && !url.hash;
  }, 'give the base URL alone (no credentials, query or fragment)')
  .refine(
    (value) => !/\/v0(\.\d+)?\/?$/.test(new URL(value).pathname),
    'give the base URL, without /v0 (mcpctl adds it)',
  )
  .transform((value) => value.replace(/\/+$/, ''));

export const registrySchema = z
  .object({
    name: z
      .string()
      .regex(
        REGISTRY_NAME_PATTERN,
        'must be 1-63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit',
      ),
    url: registryUrlSchema,
  })
  .strict();

const fileSchema = z.object({ registries: z.array(registrySchema) }).strict();

export function registriesFile(paths: Paths): string {
  return join(paths.configDir, 'registries.json');
}

export function listRegistries(paths: Paths): Registry[] {
  const file = registriesFile(paths);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [{ ...OFFICIAL_REGISTRY }];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidFile(file, (error as Error).message);
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw invalidFile(file, problems.join('; '));
  }
  return result.data.registries;
}

function invalidFile(file: string, detail: string): McpctlError {
  return new McpctlError('CONFIG_INVALID', `${file} is not a valid registry list: ${detail}`, {
    hint: `fix or delete it (without it, only the official registry is used); 'mcpctl registry add|rm' rewrite it`,
  });
}

function save(paths: Paths, registries: readonly Registry[]): void {
  writeFileAtomic(registriesFile(paths), `${JSON.stringify({ registries }, null, 2)}\n`, 0o600);
}

export function findRegistry(paths: Paths, name: string): Registry {
  const registries = listRegistries(paths);
  const found = registries.find((registry) => registry.name === name);
  if (found) return found;
  throw new McpctlError('NOT_FOUND', `no registry named '${name}'`, {
    hint: registries.length
      ? `known registries: ${registries.map((registry) => registry.name).join(', ')} ('mcpctl registry ls')`
      : `add one with 'mcpctl registry add NAME --url URL'`,
  });
}

/** Adds `registry` at the end; the very same one again is a no-op (`false`), another URL under its name is refused. */
export function addRegistry(paths: Paths, registry: Registry): boolean {
  const registries = listRegistries(paths);
  const taken = registries.find((existing) => existing.name === registry.name);
  if (taken) {
    if (taken.url === registry.url) return false;
    throw new McpctlError('ALREADY_EXISTS', `registry '${registry.name}' already exists with URL ${taken.url}`, {
      hint: `remove it first ('mcpctl registry rm ${registry.name}') or pick another name`,
    });
  }
  save(paths, [...registries, registry]);
  return true;
}

export function removeRegistry(paths: Paths, name: string): Registry {
  const registries = listRegistries(paths);
  const found = findRegistry(paths, name);
  save(
    paths,
    registries.filter((registry) => registry.name !== name),
  );
  return found;
}
