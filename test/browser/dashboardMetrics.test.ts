import { hostname } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_NODE, EVERYTHING, ROOT } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { connectHttp } from '../helpers/mcpClient.js';
import { checkPage, launchBrowser, NO_BROWSER, newPage } from './browser.js';

/**
 * The dashboard's metrics: the metrics page's charts, the servers' sparklines and tool counts, the
 * overview's tools and context cards, in Debian's Chromium against a real daemon whose history
 * rolls every second (MCPCTL_TEST_HISTORY_SLOT_MS) instead of every minute.
 */
const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');

const h = useE2eHome();
let browser: Browser;
let page: Page;
let origin: string;

const check = (name: string): Promise<void> => checkPage(page, name);

/** `mcpctl tools SERVER -o json`, asked once per server (each is a CLI process and a gateway session). */
const counted = new Map<string, Promise<number>>();
function toolCount(server: string): Promise<number> {
  let count = counted.get(server);
  if (count === undefined) {
    count = h.json<unknown[]>(['tools', server]).then((tools) => tools.length);
    counted.set(server, count);
  }
  return count;
}

beforeAll(async () => {
  if (NO_BROWSER) return;
  const started = await h.run(['daemon', 'start'], { env: { MCPCTL_TEST_HISTORY_SLOT_MS: '1000' } });
  expect(started.code, started.stderr).toBe(0);
  for (const [name, script] of [
    ['everything', EVERYTHING],
    ['memory', MEMORY],
  ] as const) {
    const added = await h.run(['server', 'add', name, ...h.mark(name), '--', CLI_NODE, script]);
    expect(added.code, added.stderr).toBe(0);
  }
  browser = await launchBrowser();
  page = await newPage(browser);
  const link = await h.run(['dashboard', '--no-open']);
  expect(link.code, link.stderr).toBe(0);
  expect(link.stdout.trim()).toMatch(/\/ui\/#\/login\/\S+\?context=local$/);
  origin = new URL(link.stdout.trim()).origin;
  await page.goto(link.stdout.trim());
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(NO_BROWSER)('dashboard metrics in Chromium', () => {
  it('charts the calls made through the gateway on the metrics page', async () => {
    const session = await connectHttp(
      `${origin}/servers/everything/mcp`,
      new Client({ name: 'metrics-test', version: '1' }),
    );
    for (let i = 0; i < 5; i++) await session.client.callTool({ name: 'echo', arguments: { message: `m${i}` } });
    // No such tool: answered with an error, counted as one.
    await session.client.callTool({ name: 'no-such-tool', arguments: {} }).catch(() => undefined);
    await session.close();

    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.getByRole('heading', { name: 'Metrics and alerts' }).waitFor();
    const row = page.locator('tr[data-server="everything"]');
    await expect.poll(() => row.locator('[data-calls-hour]').textContent(), { timeout: 15_000 }).toBe('6');
    const points = async (chart: string): Promise<Record<string, number>> =>
      JSON.parse((await page.locator(`[data-chart="${chart}"]`).getAttribute('data-points')) ?? '{}');
    // The calls are in uPlot's data for that server, and the chart is drawn.
    await expect.poll(async () => (await points('calls')).everything ?? 0).toBeGreaterThan(0);
    expect((await points('errors')).everything).toBeGreaterThan(0);
    expect((await points('p95')).everything).toBeGreaterThan(0);
    expect(await page.locator('[data-chart="calls"] canvas').count()).toBe(1);
    // The history rolls on (a point a second here): more points come without a reload.
    const times = async (): Promise<number> =>
      Number(await page.locator('[data-chart="calls"]').getAttribute('data-times'));
    const before = await times();
    await expect.poll(times, { timeout: 15_000 }).toBeGreaterThan(before);
    await check('metrics');
  });

  it("shows each server's CPU and memory sparklines and its tools count", async () => {
    await page.getByRole('link', { name: 'Servers' }).click();
    const row = page.locator('tr[data-server="everything"]');
    await expect.poll(() => row.locator('[data-usage="memory"] .spark').getAttribute('data-points')).not.toBe('0');
    expect(await row.locator('[data-usage="cpu"] svg').count()).toBe(1);
    expect(await row.locator('[data-usage="memory"] .spark-value').textContent()).toMatch(/\d+(\.\d)? (KB|MB)/);
    const tools = await toolCount('everything');
    expect(tools).toBeGreaterThan(0);
    await expect.poll(() => row.locator('[data-tools]').textContent()).toBe(String(tools));
    await check('servers-usage');
  });

  it('shows the tools across running servers, the context and the daemon host on the overview', async () => {
    const total = (await toolCount('everything')) + (await toolCount('memory'));
    await page.getByRole('link', { name: 'Overview' }).click();
    await expect.poll(() => page.getByTestId('tools-total').textContent()).toBe(String(total));
    expect(await page.getByTestId('context').textContent()).toBe('local');
    expect(await page.getByTestId('daemon-host').textContent()).toBe(hostname());
    await check('overview-cards');
  });
});
