import { describe, expect, it } from 'vitest';
import { type ClientEnv, clientLocations, findClient } from '../../../../src/core/clients/catalog.js';
import { McpctlError } from '../../../../src/shared/errors.js';

const linux: ClientEnv = { env: { HOME: '/home/ann' }, platform: 'linux', cwd: '/repo' };
const mac: ClientEnv = { env: { HOME: '/Users/ann' }, platform: 'darwin', cwd: '/repo' };
const windows: ClientEnv = {
  env: { USERPROFILE: 'C:\\Users\\ann', APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' },
  platform: 'win32',
  cwd: 'C:\\repo',
};

function files(client: string, where: ClientEnv): Record<string, string> {
  return Object.fromEntries(clientLocations(findClient(client), where).map((l) => [l.scope, l.file]));
}

describe('client config paths', () => {
  it('Linux: XDG_CONFIG_HOME when set, ~/.config otherwise', () => {
    expect(files('claude-desktop', linux)).toEqual({ user: '/home/ann/.config/Claude/claude_desktop_config.json' });
    const xdg = { ...linux, env: { HOME: '/home/ann', XDG_CONFIG_HOME: '/xdg' } };
    expect(files('vscode', xdg)).toEqual({ user: '/xdg/Code/User/mcp.json', project: '/repo/.vscode/mcp.json' });
    expect(files('zed', linux)).toEqual({
      user: '/home/ann/.config/zed/settings.json',
      project: '/repo/.zed/settings.json',
    });
    expect(files('windsurf', linux)).toEqual({ user: '/home/ann/.codeium/windsurf/mcp_config.json' });
    expect(files('gemini', linux)).toEqual({
      user: '/home/ann/.gemini/settings.json',
      project: '/repo/.gemini/settings.json',
    });
    expect(files('cursor', linux)).toEqual({ user: '/home/ann/.cursor/mcp.json', project: '/repo/.cursor/mcp.json' });
  });

  it('macOS: Application Support for Claude Desktop and VS Code, ~/.config for Zed', () => {
    expect(files('claude-desktop', mac).user).toBe(
      '/Users/ann/Library/Application Support/Claude/claude_desktop_config.json',
    );
    expect(files('vscode', mac).user).toBe('/Users/ann/Library/Application Support/Code/User/mcp.json');
    expect(files('zed', mac).user).toBe('/Users/ann/.config/zed/settings.json');
  });

  it('Windows: %APPDATA% and %USERPROFILE%', () => {
    expect(files('claude-desktop', windows).user).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
    );
    expect(files('vscode', windows).user).toBe('C:\\Users\\ann\\AppData\\Roaming\\Code\\User\\mcp.json');
    expect(files('zed', windows).user).toBe('C:\\Users\\ann\\AppData\\Roaming\\Zed\\settings.json');
    expect(files('windsurf', windows).user).toBe('C:\\Users\\ann\\.codeium\\windsurf\\mcp_config.json');
    expect(files('codex', windows).user).toBe('C:\\Users\\ann\\.codex\\config.toml');
  });

  it('Claude Code: user and local scopes in ~/.claude.json (CLAUDE_CONFIG_DIR moves it), project in .mcp.json', () => {
    const locations = clientLocations(findClient('claude-code'), linux);
    expect(locations.map((l) => [l.scope, l.file, l.keyPath])).toEqual([
      ['user', '/home/ann/.claude.json', ['mcpServers']],
      ['local', '/home/ann/.claude.json', ['projects', '/repo', 'mcpServers']],
      ['project', '/repo/.mcp.json', ['mcpServers']],
    ]);
    const moved = { ...linux, env: { HOME: '/home/ann', CLAUDE_CONFIG_DIR: '/cfg' } };
    expect(files('claude-code', moved).user).toBe('/cfg/.claude.json');
  });

  it('Codex: CODEX_HOME', () => {
    expect(files('codex', { ...linux, env: { HOME: '/home/ann', CODEX_HOME: '/codex' } }).user).toBe(
      '/codex/config.toml',
    );
  });

  it('--config points a client at any file of its shape, --scope picks one (aliases global, workspace)', () => {
    const [config] = clientLocations(findClient('vscode'), linux, { config: 'conf/mcp.json' });
    expect(config).toMatchObject({ file: '/repo/conf/mcp.json', keyPath: ['servers'], format: 'jsonc' });
    expect(clientLocations(findClient('cursor'), linux, { scope: 'global' }).map((l) => l.file)).toEqual([
      '/home/ann/.cursor/mcp.json',
    ]);
    expect(clientLocations(findClient('vscode'), linux, { scope: 'workspace' })[0]?.scope).toBe('project');
    expect(() => clientLocations(findClient('windsurf'), linux, { scope: 'project' })).toThrow(/no 'project' scope/);
  });

  it('aliases find a client; an unknown one names the known ones', () => {
    expect(findClient('code').id).toBe('vscode');
    expect(findClient('Gemini-CLI').id).toBe('gemini');
    try {
      findClient('notepad');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(McpctlError);
      expect((error as McpctlError).exitCode).toBe(2);
      expect((error as McpctlError).hint).toContain(
        'claude-desktop, claude-code, cursor, vscode, windsurf, zed, codex, gemini',
      );
    }
  });
});
