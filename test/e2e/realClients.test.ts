import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_NODE, EVERYTHING, ROOT } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { runProcess } from '../helpers/run.js';

/**
 * Two real clients check what mcpctl writes, with no model and no network: Claude Code and Gemini
 * CLI (installed into tools/clients by scripts/ensure-tools.mjs) run their own `mcp list`, which
 * starts each entry (stdio) or connects to it (http), under a temporary HOME.
 */

const BIN = join(ROOT, 'tools/clients/node_modules/.bin');
const h = useE2eHome();
let home: string;
let project: string;

function clientEnv(): NodeJS.ProcessEnv {
  return {
    HOME: home,
    PATH: process.env.PATH,
    XDG_CONFIG_HOME: join(home, '.config'),
    NO_COLOR: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
}

async function mcpList(client: 'claude' | 'gemini'): Promise<string> {
  const result = await runProcess(join(BIN, client), ['mcp', 'list'], {
    env: clientEnv(),
    cwd: project,
    timeoutMs: 90_000,
  });
  return result.stdout + result.stderr;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mcpctl-real-clients-'));
  project = join(home, 'project');
  mkdirSync(join(home, '.gemini'), { recursive: true });
  mkdirSync(project);
  // Gemini CLI suppresses every server unless the folder it runs in is trusted.
  writeFileSync(join(home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [project]: 'TRUST_FOLDER' }));
  const added = await h.run(['server', 'add', 'everything', ...h.mark('everything'), '--', CLI_NODE, EVERYTHING]);
  expect(added.code).toBe(0);
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

describe.each([
  { client: 'claude-code', bin: 'claude' as const, connected: /^everything: .* - ✔ Connected$/m },
  { client: 'gemini', bin: 'gemini' as const, connected: /^✓ everything: .* - Connected$/m },
])('$client', ({ client, bin, connected }) => {
  for (const transport of ['stdio', 'http']) {
    it(`its own mcp list reports the entry of install --transport ${transport} as connected`, async () => {
      const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
      const installed = await h.run(['install', client, '--server', 'everything', '--transport', transport], {
        env,
        cwd: project,
      });
      expect(installed.stderr).toBe('');
      expect(installed.code).toBe(0);
      try {
        const listed = await mcpList(bin);
        expect(listed).toMatch(connected);
        expect(listed).toContain(transport === 'http' ? '/servers/everything/mcp' : 'connect everything');
      } finally {
        expect((await h.run(['uninstall', client], { env, cwd: project })).code).toBe(0);
      }
    });
  }
});
