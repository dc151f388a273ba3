import { describe, expect, it } from 'vitest';
import type { ClientEnv } from '../../../../src/core/clients/catalog.js';
import { CLIENT_IDS } from '../../../../src/core/clients/clientIds.js';
import { clientLogPlaces } from '../../../../src/core/clients/logFiles.js';

const mac: ClientEnv = { env: { HOME: '/Users/ann' }, platform: 'darwin', cwd: '/' };
const windows: ClientEnv = {
  env: {
    USERPROFILE: 'C:\\Users\\ann',
    APPDATA: 'C:\\Users\\ann\\AppData\\Roaming',
    LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local',
  },
  platform: 'win32',
  cwd: 'C:\\',
};
const linux: ClientEnv = { env: { HOME: '/home/ann' }, platform: 'linux', cwd: '/' };

function paths(where: ClientEnv, id: (typeof CLIENT_IDS)[number]): string[] | string {
  const logs = clientLogPlaces(id, where);
  return 'none' in logs ? logs.none : logs.places.map((place) => place.path);
}

describe('clientLogPlaces', () => {
  it('puts Claude Desktop’s logs where it writes them on each OS', () => {
    expect(paths(mac, 'claude-desktop')).toEqual(['/Users/ann/Library/Logs/Claude']);
    expect(paths(windows, 'claude-desktop')).toEqual(['C:\\Users\\ann\\AppData\\Roaming\\Claude\\logs']);
    expect(paths(linux, 'claude-desktop')).toEqual(['/home/ann/.config/Claude/logs']);
  });

  it('knows the other clients’ places, and says why there is none for Gemini CLI', () => {
    expect(paths(linux, 'claude-code')).toEqual(['/home/ann/.cache/claude-cli-nodejs']);
    expect(paths(mac, 'claude-code')).toEqual(['/Users/ann/Library/Caches/claude-cli-nodejs']);
    expect(paths(mac, 'vscode')).toEqual(['/Users/ann/Library/Application Support/Code/logs']);
    expect(paths(windows, 'cursor')).toEqual(['C:\\Users\\ann\\AppData\\Roaming\\Cursor\\logs']);
    expect(paths(linux, 'zed')).toEqual(['/home/ann/.local/share/zed/logs/Zed.log']);
    expect(paths(linux, 'codex')).toEqual(['/home/ann/.codex/log/codex-tui.log']);
    expect(paths(linux, 'gemini')).toMatch(/writes no MCP log file/);
    for (const id of CLIENT_IDS) expect(paths(linux, id)).toBeTruthy();
  });
});
