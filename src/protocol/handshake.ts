import { McpctlError } from '../shared/errors.js';
import type { RpcEndpoint } from './stdioConnection.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from './versions.js';

export interface UpstreamIdentity {
  protocolVersion: string;
  serverInfo: { name: string; version: string } & Record<string, unknown>;
  capabilities: Record<string, unknown>;
  /** The whole initialize result, kept so sessions can be answered from it. */
  result: Record<string, unknown>;
}

export interface HandshakeOptions {
  clientInfo: { name: string; version: string };
  /** Client capabilities to advertise upstream: servers change what they expose by them. */
  capabilities: Record<string, unknown>;
  timeoutMs: number;
}

/** The MCP initialize handshake: a server counts as running only once it has answered. */
export async function initializeUpstream(
  connection: RpcEndpoint,
  options: HandshakeOptions,
): Promise<UpstreamIdentity> {
  const result = await connection.request(
    'initialize',
    { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: options.capabilities, clientInfo: options.clientInfo },
    options.timeoutMs,
  );
  const identity = readIdentity(result);
  connection.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return identity;
}

export function readIdentity(result: Record<string, unknown>): UpstreamIdentity {
  const { protocolVersion, serverInfo, capabilities } = result;
  if (typeof protocolVersion !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) {
    throw new McpctlError(
      'SERVER_FAILED',
      `the server answered initialize with unsupported protocol version ${JSON.stringify(protocolVersion)}`,
      {
        hint: `mcpctl speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}; upgrade the server or mcpctl`,
      },
    );
  }
  if (
    typeof serverInfo !== 'object' ||
    serverInfo === null ||
    typeof (serverInfo as { name?: unknown }).name !== 'string'
  ) {
    throw new McpctlError('SERVER_FAILED', 'the server answered initialize without serverInfo.name');
  }
  return {
    protocolVersion,
    serverInfo: serverInfo as UpstreamIdentity['serverInfo'],
    capabilities:
      typeof capabilities === 'object' && capabilities !== null ? (capabilities as Record<string, unknown>) : {},
    result,
  };
}
