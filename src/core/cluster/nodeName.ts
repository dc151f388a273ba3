import { hostname } from 'node:os';
import { McpctlError } from '../../shared/errors.js';

/** A node name: what a host name may be, so the default always fits. Light (no zod): the CLI checks `--node` with it. */
export const NODE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** The host name made a node name (characters it may not hold become '-'); 'node' when nothing is left. */
export function defaultNodeName(host: string = hostname()): string {
  const cleaned = host
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 63);
  return cleaned === '' ? 'node' : cleaned;
}

/** Throws INVALID_ARGUMENT naming `source` (`--node`, MCPCTL_NODE) for a name that is not one. */
export function checkNodeName(name: string, source: string): string {
  if (!NODE_NAME_PATTERN.test(name)) {
    throw new McpctlError('INVALID_ARGUMENT', `${source}: '${name}' is not a node name`, {
      hint: 'letters, digits, dot, dash and underscore, starting with a letter or digit, at most 63 characters',
    });
  }
  return name;
}

/** `--node` (reaching the daemon as MCPCTL_NODE) > `node:` in config.yaml > the host name. */
export function resolveNodeName(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.MCPCTL_NODE;
  if (fromEnv !== undefined && fromEnv !== '') return checkNodeName(fromEnv, 'MCPCTL_NODE (--node)');
  return configured ?? defaultNodeName();
}
