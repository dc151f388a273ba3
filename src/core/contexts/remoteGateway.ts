import { Agent } from 'node:https';
import { type RemoteEndpoint, verifiedCertificate } from '../../daemon/ipc/controlClient.js';
import type { SecureLink } from '../../protocol/bridge/gatewayLink.js';

/**
 * `connect` against a remote context: its gateway at the listener's own URL, with the token.
 * A pinned fingerprint is checked once, then that very certificate is the only trust anchor of
 * the keep-alive agent (its name need not match: the pin is what identifies the daemon).
 */
export async function remoteGatewayLink(endpoint: RemoteEndpoint): Promise<SecureLink> {
  const ca = endpoint.ca ?? (await verifiedCertificate(endpoint));
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 64,
    ca,
    minVersion: 'TLSv1.2',
    ...(endpoint.ca === undefined ? { checkServerIdentity: () => undefined } : {}),
  });
  return { agent, authorization: `Bearer ${endpoint.token}` };
}
