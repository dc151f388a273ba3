import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_NODE, EVERYTHING, FIXTURES, ROOT } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { checkPage, launchBrowser, NO_BROWSER, newPage } from './browser.js';

/**
 * The dashboard in a real Chromium (Debian's, driven by playwright-core) against a real daemon
 * with server-everything, server-memory and a fixture that logs its tool calls to stderr.
 * Screenshots of every page land in test-results/dashboard/ for a person to look at.
 */
const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');

const h = useE2eHome();
let browser: Browser;
let page: Page;

async function loginLink(): Promise<string> {
  const result = await h.run(['dashboard', '--no-open']);
  expect(result.code, result.stderr).toBe(0);
  const link = result.stdout.trim();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ui\/#\/login\/\S+$/);
  return link;
}

const check = (name: string): Promise<void> => checkPage(page, name);

const row = (server: string) => page.locator(`tr[data-server="${server}"]`);

beforeAll(async () => {
  if (NO_BROWSER) return;
  for (const [name, script] of [
    ['everything', EVERYTHING],
    ['memory', MEMORY],
    ['talker', join(FIXTURES, 'stderrSay.mjs')],
  ] as const) {
    const added = await h.run(['server', 'add', name, ...h.mark(name), '--', CLI_NODE, script]);
    expect(added.code, added.stderr).toBe(0);
  }
  browser = await launchBrowser();
  page = await newPage(browser);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(NO_BROWSER)('dashboard in Chromium', () => {
  it('turns a made-up code into a login page with a clear message', async () => {
    const link = await loginLink();
    await page.goto(link.replace(/login\/\S+$/, 'login/not-a-real-code'));
    await expect.poll(() => page.getByTestId('login-message').textContent()).toMatch(/not valid/);
    await check('login');
  });

  it('logs in through the link and shows both servers running', async () => {
    await page.goto(await loginLink());
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // The code left the address bar as soon as it was spent.
    expect(page.url()).not.toContain('login');
    await expect.poll(() => page.locator('[data-state-count="running"]').textContent()).toBe('3');
    await check('overview');
    await page.getByRole('link', { name: 'Servers' }).click();
    await expect.poll(() => row('everything').locator('.badge').textContent()).toBe('running');
    await expect.poll(() => row('memory').locator('.badge').textContent()).toBe('running');
    await check('servers');
  });

  it('stops a server from its row and sees the CLI start it again, without a reload', async () => {
    await row('memory').getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => row('memory').locator('.badge').textContent()).toBe('stopped');
    // Started from the CLI: only the daemon's event stream can tell the page.
    expect((await h.run(['server', 'start', 'memory'])).code).toBe(0);
    await expect.poll(() => row('memory').locator('.badge').textContent(), { timeout: 15_000 }).toBe('running');
  });

  it('shows a server refusing a bad add-server value next to the field, sending nothing', async () => {
    await page.getByLabel('Name').fill('Bad Name!');
    await page.getByLabel('Command').fill('node');
    await page.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => page.locator('#add-name-problem').textContent()).toMatch(/must be 1-63 characters/);
    expect(await row('bad name!').count()).toBe(0);
  });

  it("follows a server's log while the CLI calls its tool", async () => {
    await page.goto(`${new URL(page.url()).origin}/ui/#/servers/talker`);
    await page.getByRole('heading', { name: 'Server talker' }).waitFor();
    const called = await h.run(['call', 'talker', 'say', 'message=hello-from-the-cli']);
    expect(called.code, called.stderr).toBe(0);
    await expect
      .poll(() => page.getByTestId('log').textContent(), { timeout: 15_000 })
      .toContain('said: hello-from-the-cli');
    await check('server-detail');
  });

  it('calls echo through the "try a tool" form and shows the answer and the raw JSON-RPC', async () => {
    await page.goto(`${new URL(page.url()).origin}/ui/#/servers/everything`);
    await page.locator('#tool-select').selectOption('echo');
    await page.getByLabel(/^message/).fill('hi from the browser');
    await page.getByRole('button', { name: 'Call echo' }).click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('Echo: hi from the browser');
    expect(await page.getByTestId('tool-raw').textContent()).toContain('"method":"tools/call"');
    await expect
      .poll(() => page.getByRole('heading', { name: /^Prompts \(\d+\)/ }).textContent())
      .not.toBe('Prompts (0)');
    await page.getByRole('button', { name: 'Ping' }).click();
    await expect.poll(() => page.getByText(/answered a ping in/).count()).toBe(1);
  });

  it('kills a live session from the sessions page', async () => {
    const origin = new URL(page.url()).origin;
    // The detail page ended its own gateway session when the page left it.
    await page.getByRole('link', { name: 'Sessions' }).click();
    const own = page.locator('tr[data-session]', { hasText: 'mcpctl-dashboard' });
    await expect.poll(() => own.count()).toBe(0);
    const opened = await fetch(`${origin}/servers/memory/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e-client', version: '9.9' } },
      }),
    });
    expect(opened.status).toBe(200);
    await opened.text();
    const session = page.locator('tr[data-session]', { hasText: 'e2e-client' });
    await expect.poll(() => session.count()).toBe(1);
    await check('sessions');
    await session.getByRole('button', { name: 'Kill' }).click();
    await expect.poll(() => session.count()).toBe(0);
    const sessions = await h.json<Array<{ clientName: string | null; state: string }>>(['session', 'ls', '-o', 'json']);
    expect(sessions.filter((s) => s.clientName === 'e2e-client' && s.state === 'open')).toEqual([]);
  });

  it('renders profiles, events and alerts', async () => {
    expect((await h.run(['profile', 'create', 'work', '--server', 'everything'])).code).toBe(0);
    await page.getByRole('link', { name: 'Profiles' }).click();
    await expect
      .poll(() => page.getByRole('article', { name: 'profile work' }).textContent())
      .toContain('/profiles/work/mcp');
    await check('profiles');
    // Hide a tool: the profile's deny filter gets it, and the list after filters loses it.
    const tool = page.getByRole('article', { name: 'profile work' }).locator('li[data-tool]').first();
    const name = await tool.getAttribute('data-tool');
    await tool.getByRole('button', { name: 'Hide' }).click();
    await page.locator(`li[data-denied="${name}"]`).waitFor();
    expect(await page.locator(`li[data-tool="${name}"]`).count()).toBe(0);
    const shown = await h.json<{ filters: { deny: string[] } }>(['profile', 'show', 'work', '-o', 'json']);
    expect(shown.filters.deny).toEqual([name]);
    await page.getByRole('link', { name: 'Events' }).click();
    await expect.poll(() => page.locator('ul.events li').count()).toBeGreaterThan(0);
    await check('events');
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await check('alerts');
  });

  it('sends a login page back when the session cookie is gone', async () => {
    await page.context().clearCookies();
    await page.getByRole('link', { name: 'Overview' }).click();
    await expect.poll(() => page.getByTestId('login-message').textContent()).toMatch(/session ended/);
  });

  it('serves its files with a strict CSP and cache headers, behind the gateway checks', async () => {
    const origin = new URL(await loginLink()).origin;
    const index = await fetch(`${origin}/ui/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|https?:/);
    const html = await index.text();
    expect(html).not.toMatch(/<script>|src="http/);
    const script = /src="(\/ui\/assets\/app-[\w-]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`${origin}${script}`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // No session: 401; another local origin, a foreign Host: 403; a form post (not JSON): 415.
    const post = (headers: Record<string, string>) =>
      fetch(`${origin}/ui/api/stopServers`, { method: 'POST', headers, body: '{"all":true}' });
    expect((await post({ 'content-type': 'application/json' })).status).toBe(401);
    expect((await post({ 'content-type': 'application/json', origin: 'http://127.0.0.1:1' })).status).toBe(403);
    expect((await post({ 'content-type': 'text/plain' })).status).toBe(415);
    const rebound = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${origin}/ui/`);
      request({ host: url.hostname, port: url.port, path: '/ui/', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(rebound).toBe(403);
  });

  it('refuses a replayed code, and a state change without the CSRF token (403)', async () => {
    const link = await loginLink();
    const fresh = await page.context().newPage();
    await fresh.goto(link);
    await fresh.getByRole('heading', { name: 'Overview' }).waitFor();
    // A logged-in page's request with the cookie but without the session's CSRF header.
    const forged = await fresh.evaluate(async () => {
      const res = await fetch('/ui/api/stopServers', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ names: ['everything'] }),
      });
      return { status: res.status, body: await res.text() };
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('CSRF');
    // The same link again, from a browser without the cookie: the code was spent.
    const context = await browser.newContext();
    const stranger = await context.newPage();
    await stranger.goto(link);
    await expect.poll(() => stranger.getByTestId('login-message').textContent()).toMatch(/already used/);
    await context.close();
    await fresh.close();
    expect(
      (await h.json<Array<{ name: string; state: string }>>(['server', 'ls', '-o', 'json'])).find(
        (s) => s.name === 'everything',
      )?.state,
    ).toBe('running');
  });

  it('shows a banner while the daemon is away, then, its sessions gone with it, the login page', async () => {
    await page.goto(await loginLink());
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const port = new URL(page.url()).port;
    expect((await h.run(['daemon', 'stop'])).code).toBe(0);
    await page.getByText('Connection to the daemon lost').waitFor();
    await check('disconnected');
    // Back on the same port: the page reconnects by itself and finds its session ended.
    expect((await h.run(['daemon', 'start'], { env: { MCPCTL_GATEWAY_PORT: port } })).code).toBe(0);
    await expect
      .poll(() => page.getByTestId('login-message').textContent(), { timeout: 20_000 })
      .toMatch(/session ended/);
  });
});
