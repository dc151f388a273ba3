import { existsSync } from 'node:fs';
import { McpctlError } from '../../shared/errors.js';
import { type ClientDefinition, type ClientEnv, clientLocations } from './catalog.js';
import type { ClientId } from './clientIds.js';
import { readConfig } from './configFile.js';
import { type GatewayTarget, gatewayTargetOf } from './ownership.js';

export interface EntryReport {
  name: string;
  transport: string;
  command?: string;
  args?: string[];
  url?: string;
  /** What the entry reaches through mcpctl's gateway, when mcpctl wrote it. */
  mcpctl: GatewayTarget | null;
}

export interface FileReport {
  scope: string;
  file: string;
  exists: boolean;
  error: string | null;
  entries: EntryReport[];
}

export interface ClientReport {
  client: ClientId;
  title: string;
  detected: boolean;
  files: FileReport[];
}

/** A client's files as they are now; a malformed one is reported with its file:line:col, not thrown. */
export function reportClient(
  client: ClientDefinition,
  where: ClientEnv,
  options: { scope?: string; config?: string },
): ClientReport {
  const files = clientLocations(client, where, options).map((location): FileReport => {
    try {
      const snapshot = readConfig(client, location);
      const entries = snapshot.entries.map((entry): EntryReport => {
        const base = { name: entry.name, transport: entry.transport, mcpctl: gatewayTargetOf(entry) ?? null };
        if (entry.transport === 'stdio') return { ...base, command: entry.command, args: entry.args };
        if (entry.transport === 'unknown') return base;
        return { ...base, url: entry.url };
      });
      return { scope: location.scope, file: location.file, exists: snapshot.text !== null, error: null, entries };
    } catch (error) {
      if (!(error instanceof McpctlError)) throw error;
      return { scope: location.scope, file: location.file, exists: true, error: error.message, entries: [] };
    }
  });
  const detected = files.some((file) => file.exists) || existsSync(client.appDir(where));
  return { client: client.id, title: client.title, detected, files };
}
