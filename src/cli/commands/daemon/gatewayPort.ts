import { resolve } from 'node:path';
import { checkNodeName } from '../../../core/cluster/nodeName.js';
import { McpctlError } from '../../../shared/errors.js';
import { parseIntegerFlag } from '../../flags.js';

/**
 * `--gateway-port` reaches the daemon as MCPCTL_GATEWAY_PORT, the same setting the
 * config file and environment give (flags > env > config file > default).
 */
export function withGatewayPort(env: NodeJS.ProcessEnv, flags: DaemonFlags): NodeJS.ProcessEnv {
  const out = { ...env };
  if (flags.gatewayPort !== undefined) {
    out.MCPCTL_GATEWAY_PORT = String(parseIntegerFlag('--gateway-port', flags.gatewayPort, 0, 65_535));
  }
  // `--listen` and the TLS pair reach the daemon the same way: MCPCTL_LISTEN, MCPCTL_TLS_CERT/KEY.
  if (flags.listen !== undefined) out.MCPCTL_LISTEN = flags.listen;
  // `--node` too: MCPCTL_NODE, over `node:` in config.yaml.
  if (flags.node !== undefined) out.MCPCTL_NODE = checkNodeName(flags.node, '--node');
  // `--advertise` too: MCPCTL_ADVERTISE, over `cluster.advertise` (the daemon's settings check its shape).
  if (flags.advertise !== undefined) out.MCPCTL_ADVERTISE = flags.advertise;
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new McpctlError('INVALID_ARGUMENT', 'give --tls-cert and --tls-key together', {
      hint: 'both PEM files, or neither (a self-signed pair is generated and kept)',
    });
  }
  if (flags.tlsCert !== undefined) out.MCPCTL_TLS_CERT = resolve(flags.tlsCert);
  if (flags.tlsKey !== undefined) out.MCPCTL_TLS_KEY = resolve(flags.tlsKey);
  return out;
}

export interface DaemonFlags {
  gatewayPort?: string;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  node?: string;
  advertise?: string;
}
