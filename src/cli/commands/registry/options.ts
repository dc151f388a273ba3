import type { OpenOptions } from '../../../core/registry/client.js';
import { parseDurationFlag } from '../../flags.js';
import type { Invocation } from '../../invocation.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/** How `search` and `server add --from` reach the registries; `MCPCTL_REGISTRY_TIMEOUT` bounds each request. */
export function registryOptions(inv: Invocation, flags: { registry?: string; refresh?: boolean }): OpenOptions {
  const raw = inv.ctx.env.MCPCTL_REGISTRY_TIMEOUT;
  const timeoutMs =
    raw === undefined || raw === ''
      ? DEFAULT_TIMEOUT_MS
      : parseDurationFlag('MCPCTL_REGISTRY_TIMEOUT', raw, { min: 1, max: 600_000 });
  return {
    paths: inv.ctx.paths,
    timeoutMs,
    refresh: flags.refresh === true,
    notify: (message) => inv.out.note(message),
    ...(flags.registry === undefined ? {} : { only: flags.registry }),
  };
}
