import { basename } from 'node:path';
import type { ClientDefinition, EntryValue } from './catalog.js';
import type { ClientEntry } from './entry.js';

/** What an entry mcpctl writes reaches: one server, or a profile. */
export interface GatewayTarget {
  kind: 'server' | 'profile';
  name: string;
}

/** What `install` needs to write a stdio entry: this node, this mcpctl, and the env selecting its daemon. */
export interface SelfLaunch {
  node: string;
  script: string;
  env: Record<string, string>;
}

/** The strictest client rule for entry names (VS Code's schema). */
export const ENTRY_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]*$/;

/** The entry name for a target: a server keeps its name (dots become "_"), a profile is `mcpctl-P`. */
export function entryNameFor(target: GatewayTarget): string {
  const base = (target.kind === 'profile' ? `mcpctl-${target.name}` : target.name).replace(/[^a-zA-Z0-9_-]/g, '_');
  return ENTRY_NAME_PATTERN.test(base) ? base : `mcpctl-${base}`;
}

function connectArgs(target: GatewayTarget): string[] {
  return target.kind === 'profile' ? ['connect', '--profile', target.name] : ['connect', target.name];
}

export function stdioEntryValue(client: ClientDefinition, self: SelfLaunch, target: GatewayTarget): EntryValue {
  return client.stdioEntry(self.node, [self.script, ...connectArgs(target)], self.env);
}

const GATEWAY_URL =
  /^https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+\/(servers|profiles)\/([^/?#]+)\/(?:mcp|sse)\/?$/;

function isMcpctl(path: string): boolean {
  const name = basename(path).toLowerCase();
  return name === 'mcpctl' || name === 'mcpctl.js' || name === 'mcpctl.cmd' || name === 'mcpctl.exe';
}

/**
 * Whether `entry` is one mcpctl wrote, and what it reaches: a stdio command running some mcpctl
 * with `connect`, or a URL of a loopback gateway path (`/servers/NAME/mcp`, `/profiles/NAME/mcp`).
 * Recognised by what it runs, never by its name alone.
 */
export function gatewayTargetOf(entry: ClientEntry): GatewayTarget | undefined {
  if (entry.transport === 'http' || entry.transport === 'sse') {
    const found = GATEWAY_URL.exec(entry.url);
    if (!found) return undefined;
    return { kind: found[1] === 'profiles' ? 'profile' : 'server', name: decodeURIComponent(found[2] as string) };
  }
  if (entry.transport !== 'stdio') return undefined;
  const argv = [entry.command, ...entry.args];
  const connect = argv.indexOf('connect');
  if (connect < 1 || !argv.slice(0, connect).some(isMcpctl)) return undefined;
  const rest = argv.slice(connect + 1);
  const profile = rest.indexOf('--profile');
  if (profile >= 0 && rest[profile + 1]) return { kind: 'profile', name: rest[profile + 1] as string };
  const server = rest.find((arg) => !arg.startsWith('-'));
  return server ? { kind: 'server', name: server } : undefined;
}
