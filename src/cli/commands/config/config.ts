import {
  configData,
  readConfigDocument,
  setConfigValue,
  unsetConfigValue,
  writeConfigDocument,
} from '../../../core/config/configFile.js';
import { SETTING_KEYS, type SettingKey, shownSetting, typedSetting } from '../../../core/config/settingKeys.js';
import { type ResolvedSetting, resolveSettings } from '../../../core/config/settingOrigins.js';
import { settingsProblems } from '../../../core/config/settings.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { renderTable } from '../../output/table.js';

/** `profile`: the current profile, kept by the daemon (ControlApi currentProfile/useProfile), not in config.yaml. */
const PROFILE_KEY = 'profile';

function knownKeys(): string[] {
  return [...SETTING_KEYS.map((key) => key.key), PROFILE_KEY];
}

function settingKey(key: string): SettingKey | typeof PROFILE_KEY {
  if (key === PROFILE_KEY) return PROFILE_KEY;
  const found = SETTING_KEYS.find((candidate) => candidate.key === key);
  if (found) return found;
  throw new McpctlError('INVALID_ARGUMENT', `unknown setting '${key}'`, {
    hint: `known settings: ${knownKeys().join(', ')}`,
  });
}

function originText(setting: ResolvedSetting): string {
  const where = setting.origin === undefined ? setting.source : `${setting.source} ${setting.origin}`;
  const beaten = setting.overrides;
  return beaten ? `${where} (overrides ${beaten.source} ${beaten.origin ?? ''})`.replace(/ \)$/, ')') : where;
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The -o flag is the one flag a setting has (cli.output). */
function flagLayers(inv: Invocation): Record<string, { value: unknown; flag: string }> {
  return inv.globals.outputFromFlag ? { 'cli.output': { value: inv.globals.output, flag: '-o' } } : {};
}

async function resolved(inv: Invocation): Promise<ResolvedSetting[]> {
  const config = await readConfigDocument(inv.ctx.paths.configFile);
  return resolveSettings(config, inv.ctx.env, flagLayers(inv));
}

/** The current profile as a setting row; the daemon is asked only when it runs (never started for it). */
async function profileSetting(inv: Invocation): Promise<ResolvedSetting> {
  try {
    const api = await inv.api({ autostart: false });
    const { name } = await api.currentProfile({});
    return { key: PROFILE_KEY, value: name, source: 'default', origin: 'daemon', readBy: 'daemon' };
  } catch {
    return { key: PROFILE_KEY, value: null, source: 'default', origin: 'daemon not running', readBy: 'daemon' };
  }
}

/**
 * Daemon settings take effect when it starts: say so, and whether the running one must be restarted.
 * A live one (logs.level) is applied to the running daemon now: it reads its settings again.
 */
async function restartNote(inv: Invocation, key: SettingKey): Promise<void> {
  if (key.readBy !== 'daemon') return;
  const running = await inv
    .api({ autostart: false })
    .then((api) => api.daemonStatus({}))
    .catch(() => undefined);
  if (key.live && running) {
    const api = await inv.api({ autostart: false });
    const { applied } = await api.reloadSettings({});
    inv.out.note(
      `mcpctl: applied to the running daemon (pid ${running.pid}): ${key.key} is ${valueText(applied[key.key])}`,
    );
    return;
  }
  if (key.live) {
    inv.out.note(`mcpctl: the daemon reads ${key.key} when it starts`);
    return;
  }
  inv.out.note(
    running
      ? `mcpctl: the daemon (pid ${running.pid}) reads ${key.key} when it starts: restart it for the change to take effect ('mcpctl daemon stop', then 'mcpctl daemon start')`
      : `mcpctl: the daemon reads ${key.key} when it starts`,
  );
}

function overriddenNote(inv: Invocation, key: SettingKey): void {
  const value = key.env === undefined ? undefined : inv.ctx.env[key.env];
  if (key.env && value !== undefined && value !== '') {
    inv.out.note(`mcpctl: ${key.env}=${String(shownSetting(key, value))} overrides it in this environment`);
  }
}

export async function getSetting(inv: Invocation, name: string, flags: { showOrigin?: boolean }): Promise<void> {
  const key = settingKey(name);
  const setting =
    key === PROFILE_KEY ? await profileSetting(inv) : (await resolved(inv)).find((row) => row.key === key.key);
  if (!setting) return;
  if (inv.out.machine) await inv.out.data(setting);
  else inv.out.out(flags.showOrigin ? `${originText(setting)}\t${valueText(setting.value)}` : valueText(setting.value));
}

export async function listSettings(inv: Invocation, flags: { showOrigin?: boolean }): Promise<void> {
  const rows = await resolved(inv);
  rows.push(await profileSetting(inv));
  if (inv.out.machine) {
    await inv.out.data(rows);
    return;
  }
  const columns = flags.showOrigin ? ['KEY', 'VALUE', 'ORIGIN'] : ['KEY', 'VALUE'];
  const cells = rows.map((row) => [row.key, valueText(row.value), ...(flags.showOrigin ? [originText(row)] : [])]);
  inv.out.out(renderTable(columns, cells, { headers: inv.out.headers }));
}

export async function setSetting(inv: Invocation, name: string, text: string): Promise<void> {
  const key = settingKey(name);
  if (key === PROFILE_KEY) {
    const api = await inv.api();
    await api.useProfile({ name: text });
    inv.out.note(`current profile: ${text}`);
    return;
  }
  const config = await readConfigDocument(inv.ctx.paths.configFile);
  const value = typedSetting(key, text);
  const data = configData(config) as Record<string, Record<string, unknown>>;
  data[key.section] = { ...data[key.section], [key.name]: value };
  const problems = settingsProblems(data).filter((problem) => problem.startsWith(`${key.key}:`));
  if (problems.length > 0) {
    const rules = problems.map((problem) => problem.slice(key.key.length + 1).trim()).join('; ');
    throw new McpctlError(
      'INVALID_ARGUMENT',
      `invalid value '${String(shownSetting(key, text))}' for ${key.key}: ${rules}`,
      {
        hint: `nothing was written; see the README's settings for what ${key.key} takes`,
      },
    );
  }
  await setConfigValue(config, [key.section, key.name], value);
  writeConfigDocument(config);
  inv.out.note(`set ${key.key} = ${valueText(shownSetting(key, value))} in ${config.file}`);
  overriddenNote(inv, key);
  await restartNote(inv, key);
}

export async function unsetSetting(inv: Invocation, name: string): Promise<void> {
  const key = settingKey(name);
  if (key === PROFILE_KEY) {
    const api = await inv.api();
    await api.useProfile({ name: null });
    inv.out.note('no current profile');
    return;
  }
  const config = await readConfigDocument(inv.ctx.paths.configFile);
  if (!(await unsetConfigValue(config, [key.section, key.name]))) {
    inv.out.note(`${key.key} is not set in ${config.file}`);
    return;
  }
  writeConfigDocument(config);
  inv.out.note(`unset ${key.key} in ${config.file}`);
  overriddenNote(inv, key);
  await restartNote(inv, key);
}
