import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import puppeteer, { type Page as PuppeteerPage } from 'puppeteer-core';
import { CHROMIUM, SHOTS } from './browser.js';
import { KEYS, startWebKitDriver, startXvfb, type WebDriverSession } from './webdriver.js';

/**
 * The three engines the dashboard must work in, each driven the way Debian's package allows:
 * Chromium by playwright-core (CDP), Firefox ESR by puppeteer-core (WebDriver BiDi; playwright's
 * BiDi Firefox sends commands this ESR lacks), WebKitGTK by its WebKitWebDriver (W3C WebDriver,
 * under Xvfb: its MiniBrowser has no headless mode). One small interface over the three, in CSS
 * selectors only, so one smoke test reads the same in each.
 */
export const FIREFOX = process.env.MCPCTL_FIREFOX ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.MCPCTL_WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** What the focused element is, as a keyboard user would meet it. */
export interface Focused {
  tag: string;
  text: string;
  inNav: boolean;
}

export interface EnginePage {
  goto(url: string): Promise<void>;
  url(): Promise<string>;
  /** The trimmed text of the first element `css` matches; null when none does. */
  text(css: string): Promise<string | null>;
  count(css: string): Promise<number>;
  /** A real click on the first element `css` matches whose trimmed text is `label` (any, without one). */
  click(css: string, label?: string): Promise<void>;
  /** Replaces an input's value by typing. */
  fill(css: string, value: string): Promise<void>;
  /** Picks an option of a `<select>` by its value, as a user would. */
  select(css: string, value: string): Promise<void>;
  press(key: keyof typeof KEYS): Promise<void>;
  focused(): Promise<Focused | null>;
  screenshot(name: string): Promise<void>;
}

export interface Engine {
  name: EngineName;
  page: EnginePage;
  close(): Promise<void>;
}

/** Which engines this machine has; CI has them all (`.ci/run` installs them), so there none is skipped. */
export function installedEngines(): EngineName[] {
  const all: Array<[EngineName, string]> = [
    ['chromium', CHROMIUM],
    ['firefox', FIREFOX],
    ['webkit', WEBKIT_DRIVER],
  ];
  // MCPCTL_ENGINES=firefox,webkit runs only those.
  const only = process.env.MCPCTL_ENGINES?.split(',');
  return all
    .filter(([name, binary]) => (only === undefined || only.includes(name)) && (process.env.CI || existsSync(binary)))
    .map(([name]) => name);
}

export async function launchEngine(name: EngineName): Promise<Engine> {
  mkdirSync(SHOTS, { recursive: true });
  if (name === 'chromium') return chromiumEngine();
  if (name === 'firefox') return firefoxEngine();
  return webkitEngine();
}

const shot = (name: string): string => join(SHOTS, `${name}.png`);

/** The few DOM members the in-page functions below touch (the tests' tsconfig has no DOM library). */
interface PageElement {
  textContent: string | null;
  value?: string;
  tagName: string;
  closest(css: string): PageElement | null;
}
declare const document: {
  querySelector(css: string): PageElement | null;
  querySelectorAll(css: string): ArrayLike<PageElement> & Iterable<PageElement>;
  activeElement: PageElement | null;
  body: PageElement | null;
};

/** Runs in the page: the index of the first `css` match whose text is `label`, -1 when none. */
function indexOf(arg: { css: string; label: string | null }): number {
  const all = [...document.querySelectorAll(arg.css)];
  return arg.label === null ? (all.length > 0 ? 0 : -1) : all.findIndex((e) => e.textContent?.trim() === arg.label);
}

function optionIndex(arg: { css: string; value: string }): number {
  return [...document.querySelectorAll(`${arg.css} option`)].findIndex((option) => option.value === arg.value);
}

function textOf(css: string): string | null {
  return document.querySelector(css)?.textContent?.trim() ?? null;
}

function countOf(css: string): number {
  return document.querySelectorAll(css).length;
}

function focusedNow(): Focused | null {
  const active = document.activeElement;
  if (active === null || active === document.body) return null;
  return { tag: active.tagName.toLowerCase(), text: active.textContent?.trim() ?? '', inNav: !!active.closest('nav') };
}

function noMatch(css: string, label: string | undefined): Error {
  return new Error(`nothing matches ${css}${label === undefined ? '' : ` with the text '${label}'`}`);
}

async function chromiumEngine(): Promise<Engine> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page: Page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(10_000);
  page.on('dialog', (dialog) => void dialog.accept());
  const nth = async (css: string, label?: string) => {
    const index = await page.evaluate(indexOf, { css, label: label ?? null });
    if (index < 0) throw noMatch(css, label);
    return page.locator(css).nth(index);
  };
  return {
    name: 'chromium',
    page: {
      goto: async (url) => void (await page.goto(url)),
      url: async () => page.url(),
      text: (css) => page.evaluate(textOf, css),
      count: (css) => page.evaluate(countOf, css),
      click: async (css, label) => (await nth(css, label)).click(),
      fill: async (css, value) => (await nth(css)).fill(value),
      select: async (css, value) => void (await (await nth(css)).selectOption(value)),
      press: (key) => page.keyboard.press(key),
      focused: () => page.evaluate(focusedNow),
      screenshot: async (name) => void (await page.screenshot({ path: shot(name), fullPage: true })),
    },
    close: () => browser.close(),
  };
}

async function firefoxEngine(): Promise<Engine> {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  const page: PuppeteerPage = await browser.newPage();
  page.setDefaultTimeout(10_000);
  page.on('dialog', (dialog) => void dialog.accept());
  const nth = async (css: string, label?: string) => {
    const index = await page.evaluate(indexOf, { css, label: label ?? null });
    const element = index < 0 ? undefined : (await page.$$(css))[index];
    if (element === undefined) throw noMatch(css, label);
    return element;
  };
  return {
    name: 'firefox',
    page: {
      goto: async (url) => void (await page.goto(url)),
      url: async () => page.url(),
      text: (css) => page.evaluate(textOf, css),
      count: (css) => page.evaluate(countOf, css),
      click: async (css, label) => (await nth(css, label)).click(),
      fill: async (css, value) => {
        const input = await nth(css);
        // Select what is there so the typing replaces it.
        await input.click({ count: 3 });
        await input.type(value);
      },
      select: async (css, value) => void (await page.select(css, value)),
      press: (key) => page.keyboard.press(key),
      focused: () => page.evaluate(focusedNow),
      screenshot: async (name) => void (await page.screenshot({ path: shot(name), fullPage: true })),
    },
    close: () => browser.close(),
  };
}

async function webkitEngine(): Promise<Engine> {
  const display = await startXvfb();
  const driver = await startWebKitDriver(WEBKIT_DRIVER, display.display).catch(async (error: unknown) => {
    await display.stop();
    throw error;
  });
  const session: WebDriverSession = await driver.session();
  const nth = async (css: string, label?: string) => {
    const index = await session.execute(indexOf, { css, label: label ?? null });
    const element = index < 0 ? undefined : (await session.findAll(css))[index];
    if (element === undefined) throw noMatch(css, label);
    return element;
  };
  return {
    name: 'webkit',
    page: {
      goto: (url) => session.navigate(url),
      url: () => session.currentUrl(),
      text: (css) => session.execute(textOf, css),
      count: (css) => session.execute(countOf, css),
      click: async (css, label) => session.click(await nth(css, label)),
      fill: async (css, value) => {
        const input = await nth(css);
        await session.clear(input);
        await session.type(input, value);
      },
      select: async (css, value) => {
        // Preact sets an option's value as a property, not an attribute: no CSS selector finds it.
        const index = await session.execute(optionIndex, { css, value });
        const option = index < 0 ? undefined : (await session.findAll(`${css} option`))[index];
        if (option === undefined) throw noMatch(`${css} option`, value);
        await session.click(option);
      },
      press: (key) => session.press(KEYS[key]),
      focused: () => session.execute(focusedNow, null),
      screenshot: async (name) => writeFileSync(shot(name), await session.screenshot()),
    },
    close: async () => {
      await session.end().catch(() => {});
      await driver.stop();
      await display.stop();
    },
  };
}
