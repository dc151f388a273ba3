import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** Debian's chromium (`.ci/run` installs it), driven by playwright-core: its own browser download cannot work here. */
export const CHROMIUM = process.env.MCPCTL_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots of every page, for a person to look at (not committed). */
export const SHOTS = join(ROOT, 'test-results', 'dashboard');
/** A developer without chromium skips the browser files; CI must not. */
export const NO_BROWSER = !existsSync(CHROMIUM) && !process.env.CI;

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A fresh page that accepts confirm() dialogs; `https` pages of a self-signed listener are accepted too. */
export async function newPage(browser: Browser, options: { ignoreHTTPSErrors?: boolean } = {}): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  page.setDefaultTimeout(10_000);
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Axe finds no critical violation, and the page is saved as a screenshot. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const scan = await new AxeBuilder({ page }).analyze();
  const critical = scan.violations.filter((violation) => violation.impact === 'critical');
  expect(critical.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
}

/** Buttons that change something (the log pane's Pause or a profile's Copy only change the view). */
export const ACTION_BUTTON =
  /^(Start|Stop|Restart|Remove|Add|Ping|Kill|Hide|Show|Install|Uninstall|Preview install|Preview uninstall|Call .*)$/;

/** The labels of the action buttons in the page's main content. */
export async function actionButtons(page: Page): Promise<string[]> {
  const labels = await page.locator('main button').allTextContents();
  return labels.map((label) => label.trim()).filter((label) => ACTION_BUTTON.test(label));
}
