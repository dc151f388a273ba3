import type { ClientInfo } from '../session.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '../versions.js';

/** The client's requested version if we speak it, else our latest (the spec's negotiation rule). */
export function negotiateVersion(requested: unknown): string {
  return typeof requested === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(requested)
    ? requested
    : LATEST_PROTOCOL_VERSION;
}

/**
 * A session's initialize result, answered locally: the upstream's own result
 * (serverInfo, capabilities, instructions) so every session sees the same server,
 * with the version negotiated for this session. Only the version differs between
 * sessions, so callers may cache one answer per version.
 */
export function initializeAnswer(upstreamResult: Record<string, unknown>, requested: unknown): Record<string, unknown> {
  return { ...upstreamResult, protocolVersion: negotiateVersion(requested) };
}

/** Who the client is and what it can take, read leniently: these only feed `session ls` and routing. */
export function readClientHello(params: Record<string, unknown>): {
  clientInfo: ClientInfo | undefined;
  capabilities: Record<string, unknown>;
} {
  const { clientInfo, capabilities } = params;
  return {
    clientInfo: isRecord(clientInfo) && typeof clientInfo.name === 'string' ? readInfo(clientInfo) : undefined,
    capabilities: isRecord(capabilities) ? capabilities : {},
  };
}

function readInfo(info: Record<string, unknown>): ClientInfo {
  return { name: String(info.name), version: typeof info.version === 'string' ? info.version : '' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
