import type { DaemonStatus } from '../../core/api.js';
import { byCodePoint } from '../../shared/compare.js';
import type { Palette } from './colors.js';
import { renderFields } from './fields.js';
import { formatUptime } from './servers.js';
import { colorState } from './states.js';

/** `3 (running 2, failed 1)`: the total, then the count in each state. */
export function formatServerCounts(servers: DaemonStatus['servers'], palette: Palette): string {
  const parts = Object.entries(servers.byState)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => byCodePoint(a, b))
    .map(([state, count]) => `${colorState(state, palette)} ${count}`);
  return parts.length > 0 ? `${servers.total} (${parts.join(', ')})` : String(servers.total);
}

export function renderDaemonStatus(status: DaemonStatus, palette: Palette): string {
  return renderFields([
    ['Daemon', `${palette.green('running')} (pid ${status.pid})`],
    ['Version', status.version],
    ['Node', status.node],
    ['Uptime', formatUptime(status.uptimeSeconds)],
    ['Started', status.startedAt],
    ['Socket', status.socket],
    ['Gateway', status.gateway === null ? palette.yellow('not listening') : status.gateway.url],
    ...(status.remote === null || status.remote === undefined
      ? []
      : ([
          ['Remote', status.remote.url],
          ...(status.remote.fingerprint === null ? [] : [['Fingerprint', `SHA256 ${status.remote.fingerprint}`]]),
        ] as [string, string][])),
    ['Home', status.home],
    ['Store', `${status.store.backend} ${status.store.location}`],
    ['Log file', status.logFile],
    ['Servers', formatServerCounts(status.servers, palette)],
    ['Secrets', formatSecrets(status.secrets, palette)],
  ]);
}

/** `2 (master key: file /h/master.key)`; a key that does not open the secrets in red, with why. */
export function formatSecrets(secrets: DaemonStatus['secrets'], palette: Palette): string {
  const source =
    secrets.keySource === null
      ? 'none yet: the first secret set creates one'
      : secrets.keySource === 'file'
        ? `file ${secrets.keyFile}`
        : secrets.keySource === 'env'
          ? 'env MCPCTL_MASTER_KEY'
          : 'OS keyring';
  const line = `${secrets.count} (master key: ${source})`;
  return secrets.problem === null ? line : `${line}; ${palette.red(secrets.problem)}`;
}
