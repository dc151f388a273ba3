/**
 * What a server inherits from the daemon. An allowlist, not a blocklist (as the MCP SDK
 * does, "inspired by sudo"): the daemon's own secrets (MCPCTL_*, tokens in the user's
 * shell) never reach a server unless its definition names them.
 */
export const INHERITED_ENV_VARS: readonly string[] = [
  'HOME',
  'LOGNAME',
  'PATH',
  'SHELL',
  'TERM',
  'USER',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

/**
 * The full environment of a server: the allowlisted part of `parentEnv`, overlaid with
 * the definition's env, then with `marks` (the daemon's ownership marks: last, so that
 * no definition can hide a process from the daemon that must end it).
 */
export function buildChildEnvironment(
  parentEnv: NodeJS.ProcessEnv,
  definitionEnv: Record<string, string>,
  marks: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV_VARS) {
    const value = parentEnv[name];
    // Exported shell functions ("() { ...") are a known injection vector; never pass them on.
    if (value !== undefined && !value.startsWith('()')) env[name] = value;
  }
  return { ...env, ...definitionEnv, ...marks };
}
