import { parseIntegerFlag } from '../../flags.js';

/**
 * `--gateway-port` reaches the daemon as MCPCTL_GATEWAY_PORT, the same setting the
 * config file and environment give (flags > env > config file > default).
 */
export function withGatewayPort(env: NodeJS.ProcessEnv, flags: { gatewayPort?: string }): NodeJS.ProcessEnv {
  if (flags.gatewayPort === undefined) return env;
  const port = parseIntegerFlag('--gateway-port', flags.gatewayPort, 0, 65_535);
  return { ...env, MCPCTL_GATEWAY_PORT: String(port) };
}
