/**
 * MCP protocol versions, as the SDK (1.32) defines them. Kept here rather than imported
 * from '@modelcontextprotocol/sdk/types.js' because that module builds hundreds of zod
 * schemas at load: ~60 ms and ~20 MB the daemon does not need for three constants.
 * test/unit/protocol/versions.test.ts keeps them equal to the SDK's.
 */
export const LATEST_PROTOCOL_VERSION = '2025-11-25';
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
  '2024-11-05',
  '2024-10-07',
];
/** Assumed for HTTP requests without an MCP-Protocol-Version header (spec: 2025-03-26). */
export const DEFAULT_NEGOTIATED_PROTOCOL_VERSION = '2025-03-26';
