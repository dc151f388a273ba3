/**
 * A setting `config get|set|unset|ls` knows: one per leaf of settings.ts's schema, with its
 * variable. Kept apart from the rules (zod) so that shell completion can list the keys cheaply.
 */
export interface SettingKey {
  /** `section.name`, as in config.yaml. */
  key: string;
  section: string;
  name: string;
  /** How a value given on the command line or in a variable is typed before the schema judges it. */
  kind: 'number' | 'duration' | 'text' | 'boolean';
  /** The `MCPCTL_*` variable that overrides the file. */
  env?: string;
  /** The daemon reads it when it starts (a change needs a restart); the CLI reads its own on every command. */
  readBy: 'daemon' | 'cli';
  /** A running daemon applies a change at once (`config set` tells it to read its settings again). */
  live?: true;
  /** A URL that may carry a password: shown with the password as `***`. */
  url?: true;
}

function settingKey(key: string, kind: SettingKey['kind'], env?: string, readBy: SettingKey['readBy'] = 'daemon') {
  const [section = '', name = ''] = key.split('.');
  return { key, section, name, kind, readBy, ...(env === undefined ? {} : { env }) } satisfies SettingKey;
}

function liveSetting(key: string, kind: SettingKey['kind'], env?: string): SettingKey {
  return { ...settingKey(key, kind, env), live: true };
}

function urlSetting(key: string, env: string): SettingKey {
  return { ...settingKey(key, 'text', env), url: true };
}

export const SETTING_KEYS: readonly SettingKey[] = [
  settingKey('logs.maxBytes', 'number', 'MCPCTL_LOG_MAX_BYTES'),
  settingKey('logs.keep', 'number', 'MCPCTL_LOG_KEEP'),
  liveSetting('logs.level', 'text', 'MCPCTL_LOG_LEVEL'),
  settingKey('gateway.host', 'text'),
  settingKey('gateway.port', 'number', 'MCPCTL_GATEWAY_PORT'),
  settingKey('gateway.maxBodyBytes', 'number'),
  settingKey('gateway.idleTimeout', 'duration', 'MCPCTL_GATEWAY_IDLE_TIMEOUT'),
  settingKey('gateway.drainTimeout', 'duration', 'MCPCTL_GATEWAY_DRAIN_TIMEOUT'),
  settingKey('gateway.maxUnreadBytes', 'number', 'MCPCTL_GATEWAY_MAX_UNREAD_BYTES'),
  settingKey('gateway.maxSessions', 'number'),
  settingKey('gateway.auth', 'text', 'MCPCTL_GATEWAY_AUTH'),
  settingKey('gateway.allowedHosts', 'text', 'MCPCTL_ALLOWED_HOSTS'),
  settingKey('listen.address', 'text', 'MCPCTL_LISTEN'),
  settingKey('listen.tlsCert', 'text', 'MCPCTL_TLS_CERT'),
  settingKey('listen.tlsKey', 'text', 'MCPCTL_TLS_KEY'),
  settingKey('listen.tls', 'text', 'MCPCTL_LISTEN_TLS'),
  settingKey('listen.publicNames', 'text', 'MCPCTL_LISTEN_NAMES'),
  settingKey('cluster.advertise', 'text', 'MCPCTL_ADVERTISE'),
  settingKey('servers.maxLineBytes', 'number', 'MCPCTL_MAX_LINE_BYTES'),
  settingKey('audit.maxAge', 'duration', 'MCPCTL_AUDIT_MAX_AGE'),
  settingKey('audit.maxRows', 'number', 'MCPCTL_AUDIT_MAX_ROWS'),
  settingKey('servers.startConcurrency', 'number', 'MCPCTL_START_CONCURRENCY'),
  settingKey('metrics.enabled', 'boolean', 'MCPCTL_METRICS'),
  urlSetting('store.url', 'MCPCTL_STORE_URL'),
  settingKey('cluster.leaseTtl', 'duration'),
  settingKey('cli.output', 'text', 'MCPCTL_OUTPUT', 'cli'),
  settingKey('alerts.interval', 'duration', 'MCPCTL_ALERTS_INTERVAL'),
  settingKey('alerts.timeout', 'duration', 'MCPCTL_ALERTS_TIMEOUT'),
  settingKey('alerts.attempts', 'number', 'MCPCTL_ALERTS_ATTEMPTS'),
  settingKey('alerts.retryDelay', 'duration', 'MCPCTL_ALERTS_RETRY_DELAY'),
];

/** A value as text (command line, variable) typed for the schema: numbers parsed, the rest left to the schema. */
export function typedSetting(key: SettingKey, text: string): unknown {
  if (key.kind === 'boolean') {
    const word = text.trim().toLowerCase();
    return word === 'true' ? true : word === 'false' ? false : text;
  }
  if (key.kind !== 'number') return text;
  return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
}

/** A value as `config ls|get` and notes show it: a URL setting's password as `***`. */
export function shownSetting(key: SettingKey, value: unknown): unknown {
  if (!key.url || typeof value !== 'string') return value;
  try {
    const url = new URL(value);
    if (url.password === '') return value;
    url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}
