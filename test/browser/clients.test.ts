import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { applyPatch } from 'diff';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, CLI_NODE, EVERYTHING, ROOT } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { checkPage, launchBrowser, NO_BROWSER, newPage } from './browser.js';

/**
 * The Clients page against a real daemon whose HOME is a temp folder holding a Claude Desktop
 * and a Cursor config as users have them (test/fixtures/clients/): the page lists the clients,
 * previews the exact diff `mcpctl install --dry-run` prints, installs (the file read back is the
 * fixture with that diff applied) and uninstalls (the fixture again, byte for byte).
 */
const h = useE2eHome();
const FIXTURES = join(ROOT, 'test/fixtures/clients');
let user: string;
let desktop: string;
let cursor: string;
let browser: Browser;
let page: Page;

/** The daemon (started by the first command) and the CLI both see the temp HOME as theirs. */
const userEnv = (): NodeJS.ProcessEnv => ({
  HOME: user,
  XDG_CONFIG_HOME: join(user, '.config'),
  CODEX_HOME: '',
  CLAUDE_CONFIG_DIR: '',
});
const run = (args: string[]) => h.run(args, { env: userEnv(), cwd: user });
const row = (client: string) => page.locator(`tr[data-client="${client}"]`);

function place(fixture: string, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  copyFileSync(join(FIXTURES, fixture), file);
}

beforeAll(async () => {
  if (NO_BROWSER) return;
  user = mkdtempSync(join(tmpdir(), 'mcpctl-user-'));
  desktop = join(user, '.config/Claude/claude_desktop_config.json');
  cursor = join(user, '.cursor/mcp.json');
  place('claude-desktop.json', desktop);
  place('cursor.json', cursor);
  const added = await run(['server', 'add', 'everything', '--no-autostart', '--', CLI_NODE, EVERYTHING]);
  expect(added.code, added.stderr).toBe(0);
  browser = await launchBrowser();
  page = await newPage(browser);
  const link = await run(['dashboard', '--no-open']);
  expect(link.code, link.stderr).toBe(0);
  await page.goto(link.stdout.trim());
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (user) rmSync(user, { recursive: true, force: true });
});

describe.skipIf(NO_BROWSER)('the Clients page', () => {
  it("lists the daemon user's clients, detected or not, with their files and entries", async () => {
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
    await expect.poll(() => row('claude-desktop').textContent()).toContain(desktop);
    expect(await row('claude-desktop').locator('td').nth(1).textContent()).toBe('yes');
    expect(await row('claude-desktop').locator('td').nth(3).textContent()).toBe('2');
    expect(await row('cursor').locator('td').nth(1).textContent()).toBe('yes');
    expect(await row('windsurf').locator('td').nth(1).textContent()).toBe('no');
    expect(await row('windsurf').textContent()).toContain('(none yet)');
    await checkPage(page, 'clients');
  });

  it('previews the exact diff install --dry-run prints, writing nothing', async () => {
    await page.getByLabel('Client', { exact: true }).selectOption('claude-desktop');
    await page.getByLabel('Reaches').selectOption('server:everything');
    await page.getByRole('button', { name: 'Preview install' }).click();
    const shown = (await page.getByTestId('client-diff').textContent()) ?? '';
    const cli = await run(['install', 'claude-desktop', '--server', 'everything', '--dry-run']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(shown.trimEnd()).toBe(cli.stdout.trimEnd());
    expect(shown).toContain(`+    "everything": {`);
    expect(readFileSync(desktop, 'utf8')).toBe(readFileSync(join(FIXTURES, 'claude-desktop.json'), 'utf8'));
    await checkPage(page, 'clients-preview');
  });

  it('installs: the file read back is the fixture with that diff applied, a backup beside it', async () => {
    const diff = (await page.getByTestId('client-diff').textContent()) ?? '';
    await page.getByRole('button', { name: 'Install', exact: true }).click();
    await expect.poll(() => page.getByTestId('client-done').textContent()).toMatch(/^Wrote .*\(backup: .*\.bak\)$/);
    const written = readFileSync(desktop, 'utf8');
    expect(written).toBe(applyPatch(readFileSync(join(FIXTURES, 'claude-desktop.json'), 'utf8'), diff));
    const entry = (JSON.parse(written) as { mcpServers: Record<string, unknown> }).mcpServers.everything;
    expect(entry).toEqual({ command: CLI_NODE, args: [CLI, 'connect', 'everything'], env: { MCPCTL_HOME: h.home } });
    expect(readdirSync(dirname(desktop)).filter((name) => name.endsWith('.bak'))).toHaveLength(1);
    await expect
      .poll(() => row('claude-desktop').getByTestId('ours').textContent())
      .toBe('everything → server everything');
  });

  it('uninstalls after its own preview: the file is the fixture again, byte for byte', async () => {
    await row('claude-desktop').getByRole('button', { name: 'Preview uninstall' }).click();
    await expect.poll(() => page.getByTestId('client-diff').textContent()).toContain('-    "everything": {');
    await page.getByRole('button', { name: 'Uninstall', exact: true }).click();
    await expect.poll(() => page.getByTestId('client-done').textContent()).toMatch(/^Wrote /);
    expect(readFileSync(desktop, 'utf8')).toBe(readFileSync(join(FIXTURES, 'claude-desktop.json'), 'utf8'));
    await expect.poll(() => row('claude-desktop').getByTestId('ours').textContent()).toBe('—');
  });

  it('refuses to write a file that changed since its preview, and says so', async () => {
    await page.getByLabel('Client', { exact: true }).selectOption('cursor');
    await page.getByLabel('Reaches').selectOption('server:everything');
    await page.getByRole('button', { name: 'Preview install' }).click();
    await page.getByTestId('client-diff').waitFor();
    const changed = readFileSync(cursor, 'utf8').replace('"acme"', '"acme-2"');
    writeFileSync(cursor, changed);
    await page.getByRole('button', { name: 'Install', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/changed since its preview/);
    expect(readFileSync(cursor, 'utf8')).toBe(changed);
  });
});
