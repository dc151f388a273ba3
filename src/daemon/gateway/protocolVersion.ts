import { DEFAULT_NEGOTIATED_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '../../protocol/versions.js';

/** What the spec tells servers to assume when a request carries no MCP-Protocol-Version header. */
export const ASSUMED_PROTOCOL_VERSION = DEFAULT_NEGOTIATED_PROTOCOL_VERSION;

const SUPPORTED = new Set(SUPPORTED_PROTOCOL_VERSIONS);

export function isSupportedProtocolVersion(version: string): boolean {
  return SUPPORTED.has(version);
}

export function unsupportedVersionMessage(version: string): string {
  return `Bad Request: unsupported MCP-Protocol-Version ${JSON.stringify(version)} (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`;
}

// Versions are ISO dates, so string order is release order.

/** JSON-RPC batches were removed in 2025-06-18. */
export function allowsBatches(version: string): boolean {
  return version < '2025-06-18';
}

/** Older clients choke on the empty-data priming event (the SDK sends it from 2025-11-25 on). */
export function wantsPrimingEvent(version: string): boolean {
  return version >= '2025-11-25';
}
