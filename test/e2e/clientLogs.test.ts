import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeHome, mcpctl } from '../helpers/cli.js';
import { followLines } from '../helpers/follow.js';

// A fake user: HOME and XDG_CONFIG_HOME under a temporary folder, Claude Desktop's Linux log folder in it.
const user = mkdtempSync(join(tmpdir(), 'mcpctl-user-'));
const { home, cleanup } = makeHome();
const env = { HOME: user, XDG_CONFIG_HOME: join(user, '.config') };
const logs = join(user, '.config', 'Claude', 'logs');
afterAll(() => {
  rmSync(user, { recursive: true, force: true });
  cleanup();
});

describe('logs --client: the AI client’s own MCP log files', () => {
  it('prints Claude Desktop’s mcp*.log files (each line with its file), and -f shows appended lines and new files', async () => {
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, 'mcp.log'), '2026-01-01T00:00:00.000Z [info] [fs] Initializing server...\n');
    writeFileSync(
      join(logs, 'mcp-server-fs.log'),
      '2026-01-01T00:00:01.000Z [fs] [info] Server started\n2026-01-01T00:00:02.000Z [fs] [error] spawn npx ENOENT\n',
    );
    writeFileSync(join(logs, 'main.log'), 'not an MCP log\n');

    const shown = await mcpctl(home, ['logs', '--client', 'claude-desktop'], { env });
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'mcp.log: 2026-01-01T00:00:00.000Z [info] [fs] Initializing server...',
        'mcp-server-fs.log: 2026-01-01T00:00:01.000Z [fs] [info] Server started',
        'mcp-server-fs.log: 2026-01-01T00:00:02.000Z [fs] [error] spawn npx ENOENT',
      ]),
    );
    expect(lines).toHaveLength(3);
    const errors = await mcpctl(home, ['logs', '--client', 'claude', '--level', 'error'], { env });
    expect(errors.stdout.trimEnd().split('\n')).toEqual([
      'mcp-server-fs.log: 2026-01-01T00:00:02.000Z [fs] [error] spawn npx ENOENT',
    ]);

    const follower = followLines(['logs', '--client', 'claude-desktop', '-f', '--tail', '1'], {
      MCPCTL_HOME: home,
      ...env,
    });
    try {
      // Its history printed, the follower has its files' sizes: what is appended from here is new.
      await follower.line('the history', (line) => line.endsWith('spawn npx ENOENT'));
      appendFileSync(join(logs, 'mcp-server-fs.log'), '2026-01-01T00:00:03.000Z [fs] [info] Message from client\n');
      await follower.line('the appended line', (line) => line.endsWith('Message from client'));
      writeFileSync(join(logs, 'mcp-server-new.log'), 'a new server\n');
      await follower.line('the new file', (line) => line === 'mcp-server-new.log: a new server');
    } finally {
      await follower.stop();
    }
    // The last line of each file (files oldest first), then what came.
    expect(follower.lines.slice(0, 2).sort()).toEqual([
      'mcp-server-fs.log: 2026-01-01T00:00:02.000Z [fs] [error] spawn npx ENOENT',
      'mcp.log: 2026-01-01T00:00:00.000Z [info] [fs] Initializing server...',
    ]);
    expect(follower.lines.slice(2)).toEqual([
      'mcp-server-fs.log: 2026-01-01T00:00:03.000Z [fs] [info] Message from client',
      'mcp-server-new.log: a new server',
    ]);
  });

  it('says so for a client with no known log location, and for one with no log files yet', async () => {
    const gemini = await mcpctl(home, ['logs', '--client', 'gemini'], { env });
    expect(gemini.code).toBe(8);
    expect(gemini.stderr).toContain('Gemini CLI: no known MCP log location');
    expect(gemini.stderr).toContain('--debug');
    const cursor = await mcpctl(home, ['logs', '--client', 'cursor'], { env });
    expect(cursor.code).toBe(8);
    expect(cursor.stderr).toContain(`Cursor: no MCP log files in ${join(user, '.config', 'Cursor', 'logs')}`);
    const unknown = await mcpctl(home, ['logs', '--client', 'notepad'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown client 'notepad'");
  });
});
