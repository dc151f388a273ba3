import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI_NODE, EVERYTHING, ROOT } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { type Engine, type EngineName, type EnginePage, installedEngines, launchEngine } from './engines.js';

/**
 * The same smoke test of the dashboard in Chromium, Firefox and WebKit (Safari's engine), against
 * one real daemon with server-everything and server-memory: log in through the link, watch a
 * state change arrive over the live stream, act from a row, call a tool from the detail page, and
 * go round by keyboard alone. A screenshot per engine and page lands in test-results/dashboard/.
 * dashboard.test.ts covers every page in depth in Chromium.
 */
const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const ENGINES = installedEngines();
// A developer without any of the browsers skips the file (an empty `each` would fail it).
const LISTED: EngineName[] = ENGINES.length > 0 ? ENGINES : ['chromium'];

const h = useE2eHome();

beforeAll(async () => {
  for (const [name, script] of [
    ['everything', EVERYTHING],
    ['memory', MEMORY],
  ] as const) {
    const added = await h.run(['server', 'add', name, ...h.mark(name), '--', CLI_NODE, script]);
    expect(added.code, added.stderr).toBe(0);
  }
}, 60_000);

async function loginLink(): Promise<string> {
  const result = await h.run(['dashboard', '--no-open']);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

const badge = (server: string): string => `tr[data-server="${server}"] .badge`;

/** Pages load through the daemon and the gateway: on a busy machine that takes more than poll's second. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

describe.skipIf(ENGINES.length === 0).each(LISTED)('the dashboard in %s', (name) => {
  let engine: Engine;
  let page: EnginePage;
  let origin: string;
  const title = (): Promise<string | null> => page.text('#page-title');

  beforeAll(async () => {
    engine = await launchEngine(name);
    page = engine.page;
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
  });

  // What the page showed when a step failed, for a person to look at.
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || engine === undefined) return;
    await page.screenshot(`${name}-failed-${context.task.name.slice(0, 24).replace(/\W+/g, '-')}`).catch(() => {});
  });

  it('logs in through the link and shows both servers running', async () => {
    const link = await loginLink();
    origin = new URL(link).origin;
    await page.goto(link);
    await eventually(title).toBe('Overview');
    // The code left the address bar as soon as it was spent.
    expect(await page.url()).not.toContain('login');
    await page.screenshot(`${name}-overview`);
    await page.click('nav a', 'Servers');
    await eventually(title).toBe('Servers');
    await eventually(() => page.text(badge('everything'))).toBe('running');
    await eventually(() => page.text(badge('memory'))).toBe('running');
    await page.screenshot(`${name}-servers`);
  });

  it("sees a server the CLI stops change state without a reload, and starts it from the row's button", async () => {
    // Stopped from the CLI: only the daemon's event stream can tell the page.
    expect((await h.run(['server', 'stop', 'memory'])).code).toBe(0);
    await eventually(() => page.text(badge('memory'))).toBe('stopped');
    await page.click('tr[data-server="memory"] button', 'Start');
    await eventually(() => page.text(badge('memory'))).toBe('running');
  });

  it('opens a server\'s detail page and calls echo through the "try a tool" form', async () => {
    await page.click('tr[data-server="everything"] a', 'everything');
    await eventually(title).toBe('Server everything');
    await eventually(() => page.count('#tool-select option')).toBeGreaterThan(1);
    await page.select('#tool-select', 'echo');
    await eventually(() => page.text('form.try button[type="submit"]')).toBe('Call echo');
    await page.fill('#arg-message', `hi from ${name}`);
    await page.click('form.try button[type="submit"]', 'Call echo');
    await eventually(() => page.text('[data-testid="tool-result"]')).toContain(`Echo: hi from ${name}`);
    await page.screenshot(`${name}-server-detail`);
  });

  it('goes round by keyboard alone: Tab reaches a button and the main nav, Enter follows a link', async () => {
    // A fresh load: the focus starts on the document, not where the last test clicked.
    await page.goto('about:blank');
    await page.goto(`${origin}/ui/#/`);
    await eventually(title).toBe('Overview');
    const met: string[] = [];
    for (let presses = 0; presses < 12; presses += 1) {
      await page.press('Tab');
      const focused = await page.focused();
      if (focused === null) continue;
      met.push(`${focused.inNav ? 'nav ' : ''}${focused.tag}: ${focused.text}`);
      if (focused.inNav && focused.text === 'Servers') break;
    }
    expect(
      met.some((entry) => entry.startsWith('button: ')),
      met.join(' | '),
    ).toBe(true);
    expect(met.at(-1), met.join(' | ')).toBe('nav a: Servers');
    await page.press('Enter');
    await eventually(title).toBe('Servers');
    expect(await page.url()).toMatch(/#\/servers$/);
  });
});
