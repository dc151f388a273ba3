import { type ConfigDocument, configValue } from './configFile.js';
import { SETTING_KEYS, type SettingKey, shownSetting, typedSetting } from './settingKeys.js';
import { defaultSettings } from './settings.js';

export type SettingSource = 'default' | 'file' | 'env' | 'flag';

/** One setting's effective value (as it would be written in config.yaml) and where it comes from. */
export interface ResolvedSetting {
  key: string;
  value: unknown;
  source: SettingSource;
  /** `config.yaml:3`, `MCPCTL_GATEWAY_PORT`, `-o`; absent for a default. */
  origin?: string;
  readBy: SettingKey['readBy'];
  /** Set in the file but overridden by a variable or flag: the file's value, so the listing can say so. */
  overrides?: { source: SettingSource; origin?: string; value: unknown };
}

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** A default duration as config.yaml would say it (600000 → `10m`). */
function writtenDuration(ms: number): string {
  for (const [unit, size] of UNITS) if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function defaultValue(key: SettingKey, defaults: Record<string, Record<string, unknown>>): unknown {
  const value = defaults[key.section]?.[key.name];
  return key.kind === 'duration' && typeof value === 'number' ? writtenDuration(value) : value;
}

/**
 * Every known setting with its precedence applied: a flag (only -o has one) over an `MCPCTL_*`
 * variable over config.yaml over the default. This is the CLI's view, with the CLI's environment:
 * a running daemon read its settings when it started, from the environment it started with.
 */
export function resolveSettings(
  config: ConfigDocument,
  env: NodeJS.ProcessEnv,
  flags: Readonly<Record<string, { value: unknown; flag: string }>> = {},
): ResolvedSetting[] {
  const defaults = defaultSettings() as unknown as Record<string, Record<string, unknown>>;
  return SETTING_KEYS.map((key) => {
    const layers: Array<Omit<ResolvedSetting, 'key' | 'readBy' | 'overrides'>> = [];
    const flag = flags[key.key];
    if (flag) layers.push({ value: flag.value, source: 'flag', origin: flag.flag });
    const fromEnv = key.env === undefined ? undefined : env[key.env];
    if (key.env && fromEnv !== undefined && fromEnv !== '') {
      layers.push({ value: typedSetting(key, fromEnv), source: 'env', origin: key.env });
    }
    const inFile = configValue(config, [key.section, key.name]);
    if (inFile) {
      const where = inFile.line === undefined ? config.file : `${config.file}:${inFile.line}`;
      layers.push({ value: inFile.value, source: 'file', origin: where });
    }
    layers.push({ value: defaultValue(key, defaults), source: 'default' });
    const [winner, ...beaten] = layers as [Omit<ResolvedSetting, 'key' | 'readBy'>, ...typeof layers];
    const file = beaten.find((layer) => layer.source === 'file');
    const shown = { ...winner, value: shownSetting(key, winner.value) };
    const overrides = file && { ...file, value: shownSetting(key, file.value) };
    return { key: key.key, ...shown, readBy: key.readBy, ...(overrides ? { overrides } : {}) };
  });
}
