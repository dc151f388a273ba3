import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_NODE, EVERYTHING, makeHome, mcpctl, waitFor } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { actionButtons, launchBrowser, NO_BROWSER, newPage, screenshot } from './browser.js';

/**
 * The dashboard on the remote listener (`daemon start --listen 127.0.0.1:0`, TLS with the
 * daemon's self-signed certificate, which Chromium is told to accept): a token typed on the
 * login page, and the one-time link `mcpctl --context NAME dashboard` prints. A viewer sees no
 * action button on any page and a forged POST is refused; an operator sees them. (The pages'
 * axe scans are dashboard.test.ts's and clients.test.ts's: the same pages on another listener.)
 */
const h = useE2eHome();
let cli: ReturnType<typeof makeHome>;
let origin: string;
let ca: string;
const tokens: Record<string, string> = {};
let browser: Browser;

async function token(name: string, ...flags: string[]): Promise<{ token: string; expiresAt: string | null }> {
  return h.json<{ token: string; expiresAt: string | null }>(['token', 'create', name, ...flags]);
}

/** A gateway session over TLS with a bearer token, so the sessions page has a row. */
function openSession(bearer: string): Promise<number> {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'remote-client', version: '1' } },
  });
  const url = new URL(`${origin}/servers/everything/mcp`);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        ca,
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function logInWithToken(page: Page, value: string): Promise<void> {
  await page.goto(`${origin}/ui/`);
  await page.getByLabel(/^Token/).fill(value);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function visit(page: Page, route: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${origin}/ui/#${route}`);
  await page.getByRole('heading', { name: heading }).first().waitFor();
}

beforeAll(async () => {
  if (NO_BROWSER) return;
  const started = await h.run(['daemon', 'start', '--listen', '127.0.0.1:0']);
  expect(started.code, started.stderr).toBe(0);
  const status = await h.json<{ remote: { url: string; fingerprint: string; certFile: string } }>(['daemon', 'status']);
  origin = status.remote.url;
  ca = readFileSync(status.remote.certFile, 'utf8');
  const added = await h.run(['server', 'add', 'everything', '--', CLI_NODE, EVERYTHING]);
  expect(added.code, added.stderr).toBe(0);
  expect((await h.run(['profile', 'create', 'work', '--server', 'everything'])).code).toBe(0);
  for (const role of ['viewer', 'operator', 'client']) tokens[role] = (await token(role, '--role', role)).token;
  // The CLI of another machine: a context on the listener with the operator's token.
  cli = makeHome();
  writeFileSync(join(cli.home, 'token'), `${tokens.operator}\n`, { mode: 0o600 });
  const context = await mcpctl(cli.home, [
    'context',
    'add',
    'team',
    '--url',
    origin,
    '--token-file',
    join(cli.home, 'token'),
    '--fingerprint',
    status.remote.fingerprint,
  ]);
  expect(context.code, context.stderr).toBe(0);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  cli?.cleanup();
});

describe.skipIf(NO_BROWSER)('the dashboard on the remote listener', () => {
  it('refuses a wrong token and a client token on the login page, saying why', async () => {
    const page = await newPage(browser, { ignoreHTTPSErrors: true });
    await logInWithToken(page, 'mcpctl_not-a-real-token-at-all-0000000000000000000');
    await expect.poll(() => page.getByTestId('login-message').textContent()).toMatch(/not valid/);
    await page.getByLabel(/^Token/).fill(tokens.client ?? '');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByTestId('login-message').textContent()).toMatch(/client token/);
    await screenshot(page, 'remote-login');
    await page.context().close();
  });

  it('logs a viewer token in: no action button on any page, and the Clients page says it is refused', async () => {
    expect(await openSession(tokens.operator ?? '')).toBe(200);
    const page = await newPage(browser, { ignoreHTTPSErrors: true });
    await logInWithToken(page, tokens.viewer ?? '');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.locator('header .who').textContent()).toBe('viewer (viewer)');
    await visit(page, '/servers', 'Servers');
    await expect.poll(() => page.locator('tr[data-server="everything"]').count()).toBe(1);
    expect(await actionButtons(page)).toEqual([]);
    expect(await page.getByRole('heading', { name: 'Add a server' }).count()).toBe(0);
    await screenshot(page, 'remote-viewer-servers');
    await visit(page, '/servers/everything', 'Server everything');
    await expect.poll(() => page.getByText('listed for operators and admins').count()).toBe(1);
    expect(await actionButtons(page)).toEqual([]);
    await visit(page, '/sessions', 'Sessions');
    await expect.poll(() => page.locator('tr[data-session]', { hasText: 'remote-client' }).count()).toBe(1);
    expect(await actionButtons(page)).toEqual([]);
    await visit(page, '/profiles', 'Profiles');
    await expect.poll(() => page.locator('li[data-tool]').count()).toBeGreaterThan(0);
    expect(await actionButtons(page)).toEqual([]);
    await visit(page, '/clients', 'Clients');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Refused: .*daemon's machine/);
    expect(await actionButtons(page)).toEqual([]);
    await screenshot(page, 'remote-viewer-clients');

    // A forged request with the viewer's own cookie and CSRF token: the role matrix refuses it.
    const forged = await page.evaluate(async () => {
      const { csrf } = (await (await fetch('/ui/session')).json()) as { csrf: string };
      const res = await fetch('/ui/api/stopServers', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mcpctl-csrf': csrf },
        body: JSON.stringify({ names: ['everything'] }),
      });
      const tool = await fetch('/ui/mcp/servers/everything/mcp', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'x-mcpctl-csrf': csrf,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
      });
      return { status: res.status, body: await res.text(), gateway: tool.status };
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain("a viewer token may not call 'stopServers'");
    expect(forged.gateway).toBe(403);
    const servers = await h.json<Array<{ name: string; desired: string }>>(['server', 'ls']);
    expect(servers.find((server) => server.name === 'everything')?.desired).toBe('running');
    await page.context().close();
  });

  it('shows an operator the buttons of its role', async () => {
    const page = await newPage(browser, { ignoreHTTPSErrors: true });
    await logInWithToken(page, tokens.operator ?? '');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await visit(page, '/servers', 'Servers');
    await expect.poll(() => actionButtons(page)).toEqual(expect.arrayContaining(['Stop', 'Restart']));
    // Removing and adding servers is the admin's.
    expect(await actionButtons(page)).not.toContain('Remove');
    await visit(page, '/servers/everything', 'Server everything');
    await expect.poll(() => actionButtons(page)).toContain('Ping');
    // "Try a tool" reaches the gateway through the dashboard session (a page has no bearer token).
    await page.locator('#tool-select').selectOption('echo');
    await page.getByLabel(/^message/).fill('over the remote listener');
    await page.getByRole('button', { name: 'Call echo' }).click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('Echo: over the remote listener');
    await visit(page, '/sessions', 'Sessions');
    await expect.poll(() => actionButtons(page)).toContain('Kill');
    await page.context().close();
  });

  it("takes the one-time link 'mcpctl --context team dashboard' prints; the same link again says it was used", async () => {
    const printed = await mcpctl(cli.home, ['--context', 'team', 'dashboard', '--no-open']);
    expect(printed.code, printed.stderr).toBe(0);
    const link = printed.stdout.trim();
    expect(link.startsWith(`${origin}/ui/#/login/`)).toBe(true);
    const page = await newPage(browser, { ignoreHTTPSErrors: true });
    await page.goto(link);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.locator('header .who').textContent()).toBe('operator (operator)');
    const replay = await newPage(browser, { ignoreHTTPSErrors: true });
    await replay.goto(link);
    await expect.poll(() => replay.getByTestId('login-message').textContent()).toMatch(/already used/);
    await replay.context().close();
    await page.context().close();
  });

  it('sends the page back to login once the token behind its session expires', async () => {
    // Long enough to log in and render on a loaded machine.
    const short = await token('short', '--role', 'viewer', '--expires', '8s');
    const page = await newPage(browser, { ignoreHTTPSErrors: true });
    await logInWithToken(page, short.token);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const expiresAt = Date.parse(short.expiresAt ?? '');
    await waitFor('the token to expire', () => (Date.now() > expiresAt ? true : undefined), 12_000);
    await page.getByRole('link', { name: 'Servers' }).click();
    await expect.poll(() => page.getByTestId('login-message').textContent()).toMatch(/session ended/);
    await page.context().close();
  });
});
