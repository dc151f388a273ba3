import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../daemon/service/files.js';
import { McpctlError } from '../../shared/errors.js';
import type { Paths } from '../../shared/paths.js';

/** A remote daemon the CLI can talk to: its listener, a file holding the token, and how to trust its certificate. */
export interface ContextEntry {
  url: string;
  tokenFile: string;
  /** A CA's PEM file, or the listener certificate's SHA-256 fingerprint (`AB:CD:...`). */
  ca?: string;
  fingerprint?: string;
}

export interface ContextsDocument {
  /** null: the built-in `local` (the daemon of this home, on its socket). */
  current: string | null;
  contexts: Record<string, ContextEntry>;
}

export const LOCAL_CONTEXT = 'local';

export function contextsFile(paths: Paths): string {
  return join(paths.configDir, 'contexts.json');
}

/** The contexts, checked by hand (no zod: the CLI's every command may read this file). */
export function readContexts(paths: Paths): ContextsDocument {
  const file = contextsFile(paths);
  if (!existsSync(file)) return { current: null, contexts: {} };
  const broken = (why: string) =>
    new McpctlError('CONFIG_INVALID', `${file} is not a valid contexts file: ${why}`, {
      hint: `fix it by hand, or remove it and add the contexts again with 'mcpctl context add'`,
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw broken((error as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null) throw broken('expected an object');
  const { current, contexts } = parsed as { current?: unknown; contexts?: unknown };
  if (current !== null && current !== undefined && typeof current !== 'string') throw broken('current must be a name');
  if (typeof contexts !== 'object' || contexts === null || Array.isArray(contexts))
    throw broken('contexts must be an object');
  const entries: Record<string, ContextEntry> = {};
  for (const [name, value] of Object.entries(contexts)) {
    const entry = value as Partial<Record<keyof ContextEntry, unknown>> | null;
    if (typeof entry?.url !== 'string' || typeof entry.tokenFile !== 'string') {
      throw broken(`context '${name}' needs url and tokenFile`);
    }
    entries[name] = {
      url: entry.url,
      tokenFile: entry.tokenFile,
      ...(typeof entry.ca === 'string' ? { ca: entry.ca } : {}),
      ...(typeof entry.fingerprint === 'string' ? { fingerprint: entry.fingerprint } : {}),
    };
  }
  const name = typeof current === 'string' ? current : null;
  if (name !== null && name !== LOCAL_CONTEXT && entries[name] === undefined)
    throw broken(`current names no context ('${name}')`);
  return { current: name === LOCAL_CONTEXT ? null : name, contexts: entries };
}

export function writeContexts(paths: Paths, document: ContextsDocument): void {
  writeFileAtomic(contextsFile(paths), `${JSON.stringify(document, null, 2)}\n`, 0o600);
}

/** The remote endpoint of a context: its token read from its file, its CA read from its file. */
export function endpointOf(
  name: string,
  entry: ContextEntry,
): { url: string; token: string; ca?: string; fingerprint?: string } {
  const read = (file: string, what: string): string => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (cause) {
      throw new McpctlError('CONFIG_INVALID', `context '${name}': cannot read its ${what} file ${file}`, {
        hint: `check the file, or run 'mcpctl context add ${name} ...' again`,
        cause,
      });
    }
  };
  return {
    url: entry.url,
    token: read(entry.tokenFile, 'token'),
    ...(entry.ca === undefined ? {} : { ca: read(entry.ca, 'CA') }),
    ...(entry.fingerprint === undefined ? {} : { fingerprint: entry.fingerprint }),
  };
}
